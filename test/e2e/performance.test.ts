import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { bigTable, bigTableRow, BIG_TABLE_ROWS } from './harness/bigTable';
import { activationTimes, extensionLog, loggedNumber, waitForLogLine } from './harness/extensionLog';
import { expectText } from './harness/expectText';
import { gridRows, scrollGridToEnd, scrollGridToRow, waitForDrawnRow } from './harness/previewGrid';

import { openLakehouseSidebar, previewTable, screenshot } from './harness/workbench';
import { workbenchForFile } from './harness/workbenchForFile';

/** Large pages keep the million-row scroll to 100 round trips; the first page is as large. */
const PAGE_SIZE = 10_000;
const SCROLL_ROWS = 1_000_000;

const workbench = workbenchForFile(async () => {
  const big = await bigTable();
  return {
    settings: { 'lakehouse.preview.pageSize': PAGE_SIZE },
    // code-server applies `lakehouse.locations` (machine-overridable) from workspace settings, not
    // from the remote user settings.
    prepare: (workspace) => {
      mkdirSync(join(workspace, '.vscode'));
      writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'lakehouse.locations': [big.folder] }));
    },
  };
});

test(`performance: activation, first rows of a ${BIG_TABLE_ROWS.toLocaleString('en-US')}-row table, webview memory after scrolling ${SCROLL_ROWS.toLocaleString('en-US')} rows`, async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  await openLakehouseSidebar(page);
  const frame = await previewTable(page, 'big');
  await waitForDrawnRow(frame, () => true, 60_000);
  const first = await gridRows(frame);
  assert.deepEqual(first[0], bigTableRow(0));
  assert.deepEqual(first[5], bigTableRow(5));

  const log = await waitForLogLine(session.server.userDataDir, /big v0: first \d+ rows in [\d.]+ ms \(CPU /);
  const activation = activationTimes(log);
  const firstRowsMs = loggedNumber(log, /big v0: first \d+ rows in ([\d.]+) ms/);
  const firstRowsCount = loggedNumber(log, /big v0: first (\d+) rows in/);
  const firstRowsCpuMs = loggedNumber(log, /big v0: first \d+ rows in [\d.]+ ms \(CPU ([\d.]+) ms/);
  // The row count comes from the log at once: the status shows all ten million rows before any scrolling.
  await expectText(frame.locator('.status'), / 10,000,000 rows · /);

  const startHeap = await heapBytes(frame);
  const scrollStarted = Date.now();
  // Down the first million rows a page at a time, as a user dragging the scrollbar slowly would.
  for (let row = PAGE_SIZE; row <= SCROLL_ROWS; row += PAGE_SIZE) {
    await scrollGridToRow(frame, row);
    // Up to 30 s for the page: a loaded machine (CI runs suites side by side) can take seconds.
    const drawn = await waitForDrawnRow(frame, (number) => Math.abs(number - 1 - row) <= 30);
    const sample = drawn.find((candidate) => Math.abs(candidate.number - 1 - row) <= 30);
    assert.deepEqual(sample?.cells, bigTableRow((sample?.number ?? 0) - 1));
  }
  const scrollSeconds = (Date.now() - scrollStarted) / 1000;
  const endHeap = await heapBytes(frame);
  const drawnRows = await frame.locator('.grid').evaluate(() => document.querySelectorAll('.rows .row').length);
  await screenshot(page, 'performance-scrolled');

  // The scrollbar's end is the table's end, far beyond the ~1.5 million rows a browser can scroll unscaled.
  await scrollGridToEnd(frame);
  const end = await waitForDrawnRow(frame, (number) => number === BIG_TABLE_ROWS);
  assert.deepEqual(end[end.length - 1], { number: BIG_TABLE_ROWS, cells: bigTableRow(BIG_TABLE_ROWS - 1) });
  await screenshot(page, 'performance-table-end');

  // Scaled, a wheel step still moves by its pixels (220 px: 10 rows), not by 22 times as many rows.
  const box = await frame.locator('.viewport').boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const topBefore = Math.min(...end.map((row) => row.number));
  await page.mouse.wheel(0, -220);
  const wheeled = await waitForDrawnRow(frame, (number) => number < topBefore);
  const moved = topBefore - Math.min(...wheeled.map((row) => row.number));
  assert.ok(moved >= 8 && moved <= 12, `a 220 px wheel step moved ${moved} rows`);

  // Ctrl+Home and Ctrl+End move the active row to the first and the last row.
  // Focus rather than a click: a click first scrolls its target into view, which at this scale moves rows.
  await frame.locator('.grid').focus();
  await frame.locator('.grid').press('Control+Home');
  await waitForDrawnRow(frame, (number) => number === 1);
  await expectText(frame.locator('.rows .row.selected .cell.index'), '1');
  await frame.locator('.grid').press('Control+End');
  await waitForDrawnRow(frame, (number) => number === BIG_TABLE_ROWS);
  await expectText(frame.locator('.rows .row.selected .cell.index'), String(BIG_TABLE_ROWS));
  await screenshot(page, 'performance-ctrl-end');

  const firstPageMs = loggedNumber(extensionLog(session.server.userDataDir), /big v0: first page of \d+ rows in ([\d.]+) ms/);
  console.log(`# perf: activation ${activation.wallMs} ms, CPU ${activation.cpuMs} ms (own code); open preview -> first ${firstRowsCount} rows of ${BIG_TABLE_ROWS} in ${firstRowsMs} ms (host, CPU ${firstRowsCpuMs} ms), the whole first page of ${PAGE_SIZE} in ${firstPageMs} ms`);
  console.log(`# perf: webview heap ${mb(startHeap)} MB at first page, ${mb(endHeap)} MB after scrolling ${SCROLL_ROWS.toLocaleString('en-US')} rows in ${scrollSeconds.toFixed(1)} s (${drawnRows} rows drawn)`);
  // CPU time: on a loaded machine the wall time is mostly waiting for a core.
  assert.ok(activation.cpuMs !== undefined && activation.cpuMs < 50, `activation took ${activation.cpuMs} ms of CPU`);
  // The goal is 300 ms of wall time (printed above). Under CI's load (two suites on two cores) the
  // wall time is mostly waiting for a core, so only a gross regression of the CPU time is asserted.
  assert.ok(firstRowsMs !== undefined && firstRowsCpuMs !== undefined && firstRowsCpuMs < 5000, `first rows took ${firstRowsMs} ms, CPU ${firstRowsCpuMs} ms`);
  // 20 pages of 10,000 rows is the cache's bound; 1M rows of cells would be hundreds of MB.
  assert.ok(endHeap < startHeap + 60 * 1024 * 1024, `webview heap grew from ${mb(startHeap)} to ${mb(endHeap)} MB`);
});

async function heapBytes(frame: FrameLocator): Promise<number> {
  return frame.locator('body').evaluate(() => {
    const scope = globalThis as unknown as { gc?: () => void; performance: { memory?: { usedJSHeapSize: number } } };
    scope.gc?.();
    return scope.performance.memory?.usedJSHeapSize ?? Number.NaN;
  });
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
