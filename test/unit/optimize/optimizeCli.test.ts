import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeltaTable } from '../../../src/delta/table';
import type { OptimizePlan } from '../../../src/ops/optimize/optimizePlan';
import { tableRows, writeSmallFiles } from './optimizeTables';
import { runCliCaptured } from '../../helpers/runCliCaptured';

test('lakehouse optimize: --dry-run --json prints the plan and writes nothing; a run prints measured beside predicted', async () => {
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-optimize-cli-'));
  const dir = join(root, 'table');
  try {
    await writeSmallFiles(dir, 8, 2000);
    const dry = await runCliCaptured(['optimize', dir, '--zorder-by', 'x,y', '--target-size', '32KiB', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout) as OptimizePlan;
    assert.equal(plan.mode, 'zOrder');
    assert.deepEqual(plan.zOrderBy, ['x', 'y']);
    assert.equal(plan.targetFileSize, 32 * 1024);
    assert.equal(plan.filesToRemove, 8);
    assert.equal(plan.skipping.length, 2);
    assert.equal(await (await DeltaTable.open(dir)).latestVersion(), 0, 'a dry run commits nothing');

    const ran = await runCliCaptured(['optimize', dir, '--zorder-by', 'x,y', '--target-size', '32KiB', '--memory-budget', '1MiB']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /^Optimized: version 1, 8 file\(s\) -> \d+/);
    assert.match(ran.stdout, /x range \(1% of values\): before 100\.0%, predicted \d+\.\d%, measured \d+\.\d%/);

    const bad = await runCliCaptured(['optimize', dir, '--target-size', 'big']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /DELTA_INVALID_ARGUMENT.*--target-size/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('lakehouse optimize --parallel-decode: a compaction of small files decoded on two threads keeps every row', async () => {
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-optimize-cli-'));
  const dir = join(root, 'table');
  try {
    // 80 files: a run of at least 64 small files goes to the worker pool.
    await writeSmallFiles(dir, 80, 10);
    const before = await tableRows(dir);
    const ran = await runCliCaptured(['optimize', dir, '--parallel-decode']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /^Optimized: version 1, 80 file\(s\) -> 1/);
    assert.deepEqual(await tableRows(dir), before);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
