import type { FrameLocator } from 'playwright-core';

/** The rows the preview grid has drawn, as cell texts without the row-number column. */
export async function gridRows(frame: FrameLocator): Promise<string[][]> {
  return frame.locator('.rows .row').evaluateAll((rows) => rows.map((row) =>
    Array.from(row.querySelectorAll('.cell')).slice(1).map((cell) => cell.textContent ?? '')));
}

/** Scrolls the grid to its end, as a user dragging the scrollbar down would. */
export async function scrollGridToEnd(frame: FrameLocator): Promise<void> {
  await frame.locator('.viewport').evaluate((viewport) => { viewport.scrollTop = viewport.scrollHeight; });
}

/**
 * Drags the scrollbar to where row `index` (0-based) is at the top. The grid's content is scaled
 * down to what a browser can scroll for very long results, so the position is the row's content
 * position over the grid's factor (content scroll range / scrollbar range).
 */
export async function scrollGridToRow(frame: FrameLocator, index: number): Promise<void> {
  await frame.locator('.grid').evaluate((grid, row) => {
    const viewport = grid.querySelector('.viewport') as HTMLElement;
    const rowHeight = parseFloat(getComputedStyle(grid).getPropertyValue('--row-height'));
    const rows = Number(grid.getAttribute('aria-rowcount')) - 1;
    const content = (rows + 1) * rowHeight - viewport.clientHeight;
    const range = viewport.scrollHeight - viewport.clientHeight;
    viewport.scrollTop = row * rowHeight * (range / content);
  }, index);
}

/** A drawn row: its 1-based row number and cell texts ('…' while its page is loading). */
export interface DrawnRow { number: number; cells: string[] }

/**
 * Waits until the grid has drawn rows whose numbers satisfy `wanted`, all with their values, and
 * returns the drawn rows (`() => true`: everything drawn is loaded). Polls (a loaded machine may take seconds per page) up to `timeoutMs`.
 */
export async function waitForDrawnRow(frame: FrameLocator, wanted: (number: number) => boolean, timeoutMs = 30_000): Promise<DrawnRow[]> {
  const deadline = Date.now() + timeoutMs;
  let drawn: DrawnRow[] = [];
  while (Date.now() < deadline) {
    drawn = await frame.locator('.rows').evaluate((body) => Array.from(body.querySelectorAll('.row'), (row) => {
      const cells = Array.from(row.querySelectorAll('.cell'), (cell) => cell.textContent ?? '');
      return { number: Number(cells[0]), cells: cells.slice(1) };
    }));
    const matching = drawn.filter((row) => wanted(row.number));
    if (matching.length > 0 && matching.every((row) => !row.cells.includes('…'))) return drawn;
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
  const numbers = drawn.map((row) => row.number);
  throw new Error(`the wanted rows were not drawn with values within ${timeoutMs} ms; drawn rows ${numbers[0]}..${numbers[numbers.length - 1]}`);
}
