import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Float64, Int64, Table, Utf8, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { DeltaTable } from '../../../src/delta/table';
import { mergeRows } from '../../../src/delta/write/mergeRows';
import { unmatchableRows } from '../../../src/delta/write/unmatchableRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { decodeParquet } from '../../../src/parquet/readParquet';
import { batchesOf, readRows, withTempTable } from './helpers';

/*
 * MERGE writes the source rows that no target row can match (a NULL key, or a key outside the
 * candidate files' key bounds) while the first target file decodes, before any file is rewritten.
 * The result must be the same MERGE; those rows come first in the files the copied rows join.
 */

const range = (from: number, to: number): bigint[] => Array.from({ length: to - from }, (_, i) => BigInt(from + i));

/** Two appends: ids 10..19 and 30..39, v = id, label = `t<id>`. */
async function twoFiles(dir: string, properties: Record<string, string> = {}): Promise<void> {
  for (const [i, ids] of [range(10, 20), range(30, 40)].entries()) {
    await writeTable(dir, batchesOf({
      id: BigInt64Array.from(ids), v: Float64Array.from(ids, Number), label: ids.map((id) => `t${id}`),
    }), { mode: i === 0 ? 'error' : 'append', properties });
  }
}

/** A source batch with nullable int64 ids; v = 100 + id (0 for a NULL id), label = `s<id>`. */
function sourceBatch(ids: Array<bigint | null>): RecordBatch {
  return new Table({
    id: vectorFromArray(ids, new Int64()),
    v: vectorFromArray(ids.map((id) => (id === null ? 0 : 100 + Number(id))), new Float64()),
    label: vectorFromArray(ids.map((id) => `s${id}`), new Utf8()),
  }).batches[0] as RecordBatch;
}

async function* batches(...list: RecordBatch[]): AsyncGenerator<RecordBatch> {
  yield* list;
}

describe('MERGE inserts the rows no target row can match before rewriting files', () => {
  test('unmatchableRows: NULL keys and keys outside the hull of the candidates\' bounds, else undefined', async () => {
    await withTempTable(async (dir) => {
      await twoFiles(dir);
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      const files = snapshot.files();
      const idField = snapshot.schema.fields.find((f) => f.name === 'id');
      const labelField = snapshot.schema.fields.find((f) => f.name === 'label');
      assert.ok(idField && labelField);
      // 25 lies between the two files' bounds: inside the hull, so not proven unmatchable.
      const source = sourceBatch([5n, 15n, 25n, 35n, 45n, null, 9n, 40n, 10n, 39n]);
      const masks = unmatchableRows([source], [idField], files, snapshot, snapshot.schema);
      assert.deepEqual(Array.from(masks?.[0] ?? []), [1, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
      // Only the first file a candidate: its bounds alone.
      const first = files.filter((f) => JSON.parse(f.stats ?? '{}').minValues?.id === 10);
      assert.equal(first.length, 1);
      assert.deepEqual(Array.from(unmatchableRows([source], [idField], first, snapshot, snapshot.schema)?.[0] ?? []), [1, 0, 1, 1, 1, 1, 1, 1, 0, 1]);
      // No candidate: nothing can match, except that a NULL key never does anyway.
      assert.deepEqual(Array.from(unmatchableRows([source], [idField], [], snapshot, snapshot.schema)?.[0] ?? []), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
      // String bounds may be truncated: nothing is proven.
      assert.equal(unmatchableRows([source], [labelField], files, snapshot, snapshot.schema), undefined);
    });
  });

  test('unmatchableRows: a candidate without bounds for the key proves nothing', async () => {
    await withTempTable(async (dir) => {
      await twoFiles(dir, { 'delta.dataSkippingNumIndexedCols': '0' });
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      const idField = snapshot.schema.fields.find((f) => f.name === 'id');
      assert.ok(idField);
      assert.equal(unmatchableRows([sourceBatch([5n, null])], [idField], snapshot.files(), snapshot, snapshot.schema), undefined);
    });
  });

  test('the MERGE result is exact, and the rows outside the bounds are written first', async () => {
    await withTempTable(async (dir) => {
      await twoFiles(dir);
      // Matches 12 and 35; 25 is unmatched inside the hull (inserted after the rewrites); 3, 50, 51 and NULL outside it.
      const source = [sourceBatch([12n, 3n, 50n]), sourceBatch([25n, 35n, null, 51n])];
      const summary = await mergeRows(dir, batches(...source), { key: ['id'] });
      assert.deepEqual([summary.rowsUpdated, summary.rowsInserted], [2, 5]);
      const rows = await readRows(dir, 'id');
      const expected = [
        ...range(10, 20).map((id) => (id === 12n ? { id, v: 112, label: 's12' } : { id, v: Number(id), label: `t${id}` })),
        ...range(30, 40).map((id) => (id === 35n ? { id, v: 135, label: 's35' } : { id, v: Number(id), label: `t${id}` })),
        { id: 3n, v: 103, label: 's3' }, { id: 25n, v: 125, label: 's25' }, { id: 50n, v: 150, label: 's50' },
        { id: 51n, v: 151, label: 's51' }, { id: null, v: 0, label: 'snull' },
      ];
      const byId = (a: Record<string, unknown>, b: Record<string, unknown>): number => (a.id === b.id ? 0 : a.id === null ? -1 : b.id === null ? 1 : (a.id as bigint) < (b.id as bigint) ? -1 : 1);
      assert.deepEqual(rows.sort(byId), expected.sort(byId));
      // One new file (the tables are small): the rows outside the bounds come first, in source
      // order, before the copied rows; 25, unmatched inside the hull, after every copied row.
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      assert.equal(snapshot.files().length, 1);
      const file = snapshot.files()[0];
      assert.ok(file);
      const table = decodeParquet(new Uint8Array(await readFile(join(dir, decodeURIComponent(file.path)))));
      const labels = Array.from(table.getChild('label') ?? [], String);
      assert.deepEqual(labels.slice(0, 4), ['s3', 's50', 'snull', 's51']);
      const lastCopied = Math.max(...labels.map((label, i) => (label.startsWith('t') ? i : -1)));
      assert.ok(labels.indexOf('s25') > lastCopied, labels.join(','));
    });
  });
});
