import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float64, Int32, Int64, makeData, RecordBatch, Schema, Struct, vectorFromArray, type Data } from 'apache-arrow';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { writeTable } from '../../../src/delta/write/writeTable';
import { planOptimize } from '../../../src/ops/optimize/planOptimize';
import { runOptimize } from '../../../src/ops/optimize/runOptimize';
import { ZCUBE_ZORDER_BY_TAG } from '../../../src/ops/optimize/zCubeTags';
import { interleaveBits, quantileBoundaries, ZOrderKey } from '../../../src/ops/optimize/zOrderKey';
import { rowsBatch, tableRows, writeSmallFiles } from './optimizeTables';

describe('Z-order key', () => {
  test('interleaves bits most significant first, column 0 leading', () => {
    assert.equal(interleaveBits([0b10, 0b11], 2), 0b1101);
    assert.equal(interleaveBits([0b01, 0b00], 2), 0b0010);
    assert.equal(interleaveBits([1023, 1023, 1023, 1023, 1023], 10), 2 ** 50 - 1, 'exact above 2^31');
  });

  test('the Z-value of a tuple interleaves its range ids (fast path and reference agree)', () => {
    const columns = [{ name: 'a', type: { kind: 'primitive', name: 'double' } }, { name: 'b', type: { kind: 'primitive', name: 'long' } }] as const;
    const sample = Array.from({ length: 3000 }, (_, i) => [Math.sin(i) * 100, BigInt((i * 7) % 1000)]);
    const key = new ZOrderKey([...columns], sample);
    assert.equal(key.bitsPerColumn, 10);
    for (const row of sample) assert.equal(key.zOf(row), interleaveBits([key.rank(0, row[0] ?? null), key.rank(1, row[1] ?? null)], 10));
    assert.equal(key.zOf([null, null]), 0);
  });

  test('zValues of a batch read from the column buffers equal zOf of each row (nulls, NaN, int64 beyond 2^53, int32)', () => {
    const columns = [
      { name: 'd', type: { kind: 'primitive', name: 'double' } },
      { name: 'l', type: { kind: 'primitive', name: 'long' } },
      { name: 'i', type: { kind: 'primitive', name: 'integer' } },
    ] as const;
    const n = 2000;
    const d = Array.from({ length: n }, (_, r) => (r % 13 === 0 ? null : r % 17 === 0 ? NaN : Math.cos(r) * 1e6));
    const l = Array.from({ length: n }, (_, r) => (r % 11 === 0 ? null : BigInt(Math.round(Math.sin(r) * 1e6)) * 2n ** 40n + BigInt(r)));
    const i = Array.from({ length: n }, (_, r) => (r % 7 === 0 ? null : (r * 7919) % 100_003 - 50_000));
    const fields = [new Field('d', new Float64(), true), new Field('l', new Int64(), true), new Field('i', new Int32(), true)];
    const children = [vectorFromArray(d, new Float64()), vectorFromArray(l, new Int64()), vectorFromArray(i, new Int32())].map((v) => v.data[0] as Data);
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
    const rows = Array.from({ length: n }, (_, r) => [d[r] ?? null, l[r] ?? null, i[r] ?? null]);
    // A sample without NaN gives numeric boundaries: the buffer path, which the NaN rows of the batch then meet.
    const key = new ZOrderKey([...columns], rows.filter((row, r) => r % 3 === 0 && !Number.isNaN(row[0])));
    const z = key.zValues(batch);
    for (let r = 0; r < n; r++) assert.equal(z[r], key.zOf(rows[r] as typeof rows[number]), `row ${r}`);
    assert.ok(new Set(z).size > n / 2, 'rows spread over many Z-values');
  });

  test('range ids come from sample quantiles, so skewed values still use every id', () => {
    assert.deepEqual(quantileBoundaries(Array.from({ length: 1000 }, (_, i) => (i < 900 ? i % 10 : i * 1000)), 4), [2, 5, 8]);
    // 90% of the values are within 0..9, 10% spread up to a million.
    const values = Array.from({ length: 1000 }, (_, i) => (i < 900 ? i / 100 : i * 1000));
    const key = new ZOrderKey([{ name: 'v', type: { kind: 'primitive', name: 'double' } }], values.map((v) => [v]));
    assert.equal(key.rank(0, null), 0);
    const top = key.rank(0, 999_000);
    // 0..9 is 0.001% of the value range but 90% of the rows: it gets about 90% of the ids.
    assert.ok(key.rank(0, 8.99) >= 0.85 * top && key.rank(0, 8.99) <= 0.95 * top, `${key.rank(0, 8.99)} of ${top}`);
    assert.ok(key.rank(0, 0) < key.rank(0, 0.5), 'the dense range is split finely');
  });
});

describe('OPTIMIZE ZORDER BY', () => {
  test('two columns: planned file count, every row kept, skipping measured as predicted, memory within budget, incremental', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lakehouse-zorder-'));
    const dir = join(root, 'table');
    const spill = join(root, 'spill');
    try {
      await writeSmallFiles(dir, 20, 5000);
      const before = await tableRows(dir);
      const budget = 2 * 1024 * 1024;
      const plan = await planOptimize(dir, { zOrderBy: ['x', 'y'], targetFileSize: 48 * 1024, memoryBudget: budget });
      assert.equal(plan.mode, 'zOrder');
      assert.equal(plan.bins.length, 1);
      assert.equal(plan.bins[0]?.reason, 'zOrder');
      const outputs = plan.filesToAdd;
      assert.ok(outputs >= 10, `${outputs} output files`);
      const [x, y] = plan.skipping;
      assert.equal(x?.column, 'x');
      assert.equal(y?.column, 'y');
      // Random rows: before, every file spans the whole domain of both columns.
      assert.equal(x?.range.before, 1);
      assert.equal(y?.range.before, 1);
      assert.ok((x?.range.predicted ?? 1) < 0.5 && (y?.range.predicted ?? 1) < 0.75, JSON.stringify(plan.skipping));

      const result = await runOptimize(dir, { plan, spillDirectory: spill });
      assert.equal(result.filesAdded, outputs, 'file count as planned');
      assert.equal(result.filesRemoved, 20);
      assert.ok(result.spillFiles > 1, 'the data did not fit the budget: it was spilled');
      assert.ok(result.peakHeldBytes <= budget, `held ${result.peakHeldBytes} bytes of a ${budget} budget`);
      assert.deepEqual(await readdir(spill), [], 'spill files are removed');
      assert.deepEqual(await tableRows(dir), before);
      for (const column of result.plan.skipping) {
        for (const figures of [column.range, column.point]) {
          assert.ok(figures.measured !== undefined && figures.measured < figures.before, `${column.column}: ${JSON.stringify(figures)}`);
          assert.ok(Math.abs(figures.measured - figures.predicted) <= 0.1, `${column.column}: predicted ${figures.predicted}, measured ${figures.measured}`);
        }
      }
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      assert.ok(snapshot.files().every((f) => f.tags?.[ZCUBE_ZORDER_BY_TAG] === '["x","y"]' && !f.dataChange));

      await writeTable(dir, [rowsBatch(200_000, 3000, 'a')]);
      const again = await planOptimize(dir, { zOrderBy: ['x', 'y'], targetFileSize: 48 * 1024, memoryBudget: budget });
      assert.equal(again.filesAlreadyClustered, outputs);
      assert.deepEqual(again.bins.map((b) => b.files.length), [1], 'only the new file is Z-ordered');
      const other = await planOptimize(dir, { zOrderBy: ['y'], targetFileSize: 48 * 1024 });
      assert.equal(other.filesAlreadyClustered, 0, 'other columns: everything is Z-ordered again');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('four columns (Z-values too wide to pack with row positions): sorted by the comparator path, rows kept', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lakehouse-zorder-'));
    const dir = join(root, 'table');
    try {
      await writeSmallFiles(dir, 10, 1000);
      const before = await tableRows(dir);
      const result = await runOptimize(dir, { zOrderBy: ['x', 'y', 'w', 'id'], targetFileSize: 24 * 1024 });
      assert.equal(result.filesAdded, result.plan.filesToAdd);
      assert.ok(result.filesAdded >= 4);
      assert.deepEqual(await tableRows(dir), before);
      // id was clustered already (written in order); the random columns gain.
      for (const column of result.plan.skipping.filter((c) => c.column === 'x' || c.column === 'y')) {
        assert.ok((column.point.measured ?? 1) < column.point.before, `${column.column}: ${JSON.stringify(column.point)}`);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('refuses partition, nested, unknown and repeated columns', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lakehouse-zorder-'));
    const dir = join(root, 'table');
    try {
      await writeSmallFiles(dir, 2, 10, { partitioned: true });
      for (const columns of [['part'], ['nope'], ['x', 'x']]) {
        await assert.rejects(planOptimize(dir, { zOrderBy: columns }), (e: unknown) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT'), columns.join());
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
