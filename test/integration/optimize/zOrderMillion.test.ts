import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { OptimizeResult } from '../../../src/ops/optimize/optimizePlan';
import { planOptimize } from '../../../src/ops/optimize/planOptimize';
import { tableRows, writeSmallFiles } from '../../unit/optimize/optimizeTables';

const run = promisify(execFile);
const MIB = 1024 * 1024;
/** Node, V8 and the parquet-wasm instance, which grows for the largest file encoded and never shrinks. */
const RUNTIME_ALLOWANCE = 256 * MIB;

interface ChildOutput { result: OptimizeResult; ms: number; baselineKiB: number; peakKiB: number }

test('Z-ORDER BY x, y of 1,000,000 rows: planned files, skipping as predicted, memory within the budget', { timeout: 20 * 60_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-zorder-1m-'));
  const dir = join(root, 'table');
  try {
    await writeSmallFiles(dir, 20, 50_000);
    const before = await tableRows(dir);
    const budget = 32 * MIB;
    const options = { zOrderBy: ['x', 'y'], targetFileSize: MIB / 4, memoryBudget: budget, spillDirectory: join(root, 'spill') };
    const plan = await planOptimize(dir, options);
    // The child runs the same plan on the same version in a fresh process: its peak RSS is this run's.
    const child = resolve('bench/optimizeChild.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, dir, JSON.stringify(options)], { maxBuffer: 1 << 26 });
    const { result, ms, baselineKiB, peakKiB } = JSON.parse(stdout) as ChildOutput;
    const growth = (peakKiB - baselineKiB) * 1024;
    const report = result.plan.skipping.map((c) => `${c.column}: range before ${c.range.before.toFixed(3)} predicted ${c.range.predicted.toFixed(3)} measured ${c.range.measured?.toFixed(3)}; point predicted ${c.point.predicted.toFixed(3)} measured ${c.point.measured?.toFixed(3)}`);
    process.stdout.write(`# 1M-row Z-order: ${(ms / 1000).toFixed(1)} s, ${result.filesAdded} files, held ${(result.peakHeldBytes / MIB).toFixed(1)} MiB, RSS +${(growth / MIB).toFixed(0)} MiB, spilled ${(result.spillBytes / MIB).toFixed(0)} MiB\n# ${report.join('\n# ')}\n`);

    assert.equal(result.filesAdded, plan.filesToAdd, 'file count as planned');
    assert.equal(result.rowsWritten, 1_000_000);
    assert.ok(result.spillFiles > 1, 'the rows did not fit the budget, so the sort spilled');
    assert.ok(result.peakHeldBytes <= budget, `held ${result.peakHeldBytes} of ${budget}`);
    assert.ok(growth <= budget + RUNTIME_ALLOWANCE, `RSS grew by ${(growth / MIB).toFixed(0)} MiB`);
    for (const column of result.plan.skipping) {
      const measured = column.range.measured ?? 1;
      assert.ok(measured < 0.4 * column.range.before, `${column.column}: range reads drop (${measured})`);
      assert.ok(Math.abs(measured - column.range.predicted) <= 0.05, `${column.column}: predicted ${column.range.predicted}, measured ${measured}`);
      // The plan's own figures (made in this process) agree with the child's.
      assert.equal(plan.skipping.find((c) => c.column === column.column)?.range.predicted, column.range.predicted);
    }
    assert.deepEqual(await tableRows(dir), before);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
