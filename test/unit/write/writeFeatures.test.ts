import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Field, Int32, Int64, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray, type Data } from 'apache-arrow';
import { writeTable } from '../../../src/delta/write/writeTable';
import { addConstraint } from '../../../src/delta/write/addConstraint';
import { dropConstraint } from '../../../src/delta/write/dropConstraint';
import { escapePartitionPathPart } from '../../../src/delta/write/partitionPath';
import { DeltaTable } from '../../../src/delta/table';
import { isDeltaError } from '../../../src/delta/errors';
import { batchesOf, readRows, tempTableDir } from './helpers';

describe('schema enforcement and evolution', () => {
  test('extra columns and type changes are refused with every difference listed', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ id: Int32Array.of(1), name: ['a'] }));
      await assert.rejects(writeTable(dir, batchesOf({ id: ['x'], name: ['b'], extra: Float64Array.of(1) })), (e) => {
        assert.ok(isDeltaError(e, 'DELTA_SCHEMA_MISMATCH'));
        assert.match(e.message, /column id is integer in the table but string in the data/);
        assert.match(e.message, /extra column extra \(double\) is not in the table/);
        return true;
      });
      assert.equal(await (await DeltaTable.open(dir)).latestVersion(), 0);
    } finally {
      await cleanup();
    }
  });

  test('narrower types convert, missing nullable columns are NULL, mergeSchema adds columns', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n), name: ['a'] }));
      await writeTable(dir, batchesOf({ id: Int32Array.of(2) }));
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(3n), name: ['c'], score: Float64Array.of(0.5) }), { mergeSchema: true });
      assert.deepEqual(await readRows(dir, 'id'), [
        { id: 1n, name: 'a', score: null }, { id: 2n, name: null, score: null }, { id: 3n, name: 'c', score: 0.5 },
      ]);
    } finally {
      await cleanup();
    }
  });

  test('type widening with mergeSchema when the table enables it', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ n: Int32Array.of(1) }), { properties: { 'delta.enableTypeWidening': 'true' } });
      await writeTable(dir, batchesOf({ n: BigInt64Array.of(5_000_000_000n) }), { mergeSchema: true });
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      assert.deepEqual(snapshot.schema.fields[0]?.type, { kind: 'primitive', name: 'long' });
      assert.deepEqual(snapshot.schema.fields[0]?.metadata['delta.typeChanges'], [{ fromType: 'integer', toType: 'long' }]);
      assert.deepEqual((await readRows(dir, 'n')).map((r) => r.n), [1n, 5_000_000_000n]);
    } finally {
      await cleanup();
    }
  });
});

describe('constraints', () => {
  test('NOT NULL and CHECK violations refuse the whole write, counting rows and showing one', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      const schema = {
        kind: 'struct' as const,
        fields: [
          { name: 'id', type: { kind: 'primitive' as const, name: 'long' as const }, nullable: false, metadata: {} },
          { name: 'qty', type: { kind: 'primitive' as const, name: 'integer' as const }, nullable: true, metadata: {} },
        ],
      };
      await writeTable(dir, [], { schema, properties: { 'delta.constraints.qty_positive': 'qty > 0' } });
      const bad = batchesOf({ id: BigInt64Array.of(1n, 2n, 3n), qty: Int32Array.of(5, -1, -7) });
      await assert.rejects(writeTable(dir, bad), (e) => {
        assert.ok(isDeltaError(e, 'DELTA_CONSTRAINT_VIOLATION'));
        assert.match(e.message, /CHECK constraint qty_positive \(qty > 0\): violated by 2 rows, e\.g\. \{id: 2, qty: -1\}/);
        return true;
      });
      const nullId = new RecordBatch(new Schema([new Field('id', new Int64(), true), new Field('qty', new Int32(), true)]),
        makeData({
          type: new Struct([new Field('id', new Int64(), true), new Field('qty', new Int32(), true)]), length: 1, nullCount: 0,
          children: [vectorFromArray([null], new Int64()).data[0] as Data, vectorFromArray([1], new Int32()).data[0] as Data],
        }));
      await assert.rejects(writeTable(dir, [nullId]), /column id is NOT NULL: violated by 1 row/);
      assert.equal(await (await DeltaTable.open(dir)).latestVersion(), 0);
      assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.parquet')), [], 'no orphan data files');
    } finally {
      await cleanup();
    }
  });

  test('ADD CONSTRAINT checks existing rows; DROP removes it', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ id: Int32Array.of(1, 2, -3) }));
      await assert.rejects(addConstraint(dir, 'pos', 'id > 0'), /violated by 1 row, e\.g\. \{id: -3\}/);
      await addConstraint(dir, 'small', 'id < 10');
      await assert.rejects(writeTable(dir, batchesOf({ id: Int32Array.of(11) })), /CHECK constraint small/);
      await dropConstraint(dir, 'small');
      await writeTable(dir, batchesOf({ id: Int32Array.of(11) }));
      assert.equal((await readRows(dir, 'id')).length, 4);
    } finally {
      await cleanup();
    }
  });
});

describe('replaceWhere', () => {
  test('replaces matching rows only and refuses rows outside the predicate', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ day: Int32Array.of(1, 1, 2, 3), v: ['a', 'b', 'c', 'd'] }));
      const summary = await writeTable(dir, batchesOf({ day: Int32Array.of(2, 3), v: ['C', 'D'] }), { mode: 'overwrite', replaceWhere: 'day >= 2' });
      assert.equal(summary.rowsRemoved, 2);
      assert.deepEqual((await readRows(dir, 'v')).map((r) => r.v), ['C', 'D', 'a', 'b']);
      await assert.rejects(writeTable(dir, batchesOf({ day: Int32Array.of(1, 5) }), { mode: 'overwrite', replaceWhere: 'day = 5' }),
        /rows must match replaceWhere \(day = 5\): violated by 1 row, e\.g\. \{day: 1, v: NULL\}/);
    } finally {
      await cleanup();
    }
  });
});

describe('partitions and files', () => {
  test('Hive-style escaped directories, NULL partition, URL-encoded log paths', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ k: ['a:b/c', null, 'x y%', ''], v: Int32Array.of(1, 2, 3, 4) }), { partitionBy: ['k'] });
      assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('k=')).sort(),
        ['k=__HIVE_DEFAULT_PARTITION__', 'k=a%3Ab%2Fc', 'k=x y%25']);
      const commit = await readFile(join(dir, '_delta_log', '00000000000000000000.json'), 'utf8');
      assert.match(commit, /"path":"k=a%253Ab%252Fc\/part-00000-[0-9a-f-]+-c000\.zstd\.parquet"/);
      assert.match(commit, /"partitionValues":\{"k":null\}/);
      assert.deepEqual((await readRows(dir, 'v')).map((r) => [r.k, r.v]), [['a:b/c', 1], [null, 2], ['x y%', 3], [null, 4]]);
      assert.equal(escapePartitionPathPart('a=b#[]^\u0001'), 'a%3Db%23%5B%5D%5E%01');
    } finally {
      await cleanup();
    }
  });

  test('files roll at the target size', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      const batches = Array.from({ length: 8 }, (_, b) => batchesOf({ id: BigInt64Array.from({ length: 20_000 }, (_, i) => BigInt(b * 20_000 + i)) })[0]!);
      const summary = await writeTable(dir, batches, { targetFileSize: 200_000, compression: 'uncompressed' });
      assert.ok(summary.filesAdded >= 4, `expected several files, got ${summary.filesAdded}`);
      assert.equal(summary.rowsAdded, 160_000);
      assert.equal((await readRows(dir, 'id')).length, 160_000);
    } finally {
      await cleanup();
    }
  });

  test('column mapping: physical names and field ids in files, logical names read back', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      const nested = new Struct([new Field('inner', new Utf8(), true)]);
      const fields = [new Field('my id', new Int64(), true), new Field('s', nested, true)];
      const batch = new RecordBatch(new Schema(fields), makeData({
        type: new Struct(fields), length: 2, nullCount: 0,
        children: [
          vectorFromArray([1n, 2n], new Int64()).data[0] as Data,
          makeData({ type: nested, length: 2, nullCount: 0, children: [vectorFromArray(['x', 'y'], new Utf8()).data[0] as Data] }),
        ],
      }));
      await writeTable(dir, [batch], { properties: { 'delta.columnMapping.mode': 'id' } });
      await writeTable(dir, batchesOf({ 'my id': BigInt64Array.of(3n), extra: ['e'] }), { mergeSchema: true });
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      const stats = snapshot.files().map((f) => JSON.parse(f.stats ?? '{}') as { minValues: Record<string, unknown> });
      for (const s of stats) for (const key of Object.keys(s.minValues)) assert.match(key, /^col-/);
      assert.deepEqual((await readRows(dir, 'my id')).map((r) => [r['my id'], r.s, r.extra]), [
        [1n, { inner: 'x' }, null], [2n, { inner: 'y' }, null], [3n, null, 'e'],
      ]);
    } finally {
      await cleanup();
    }
  });
});
