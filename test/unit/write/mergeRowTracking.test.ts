import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromArrays, type RecordBatch } from 'apache-arrow';
import { readCommit } from '../../../src/delta/commitReader';
import { commitPath } from '../../../src/delta/logFiles';
import { DeltaTable } from '../../../src/delta/table';
import { materializedRowColumns } from '../../../src/delta/transaction/rowTracking';
import { mergeRows } from '../../../src/delta/write/mergeRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { parquetLayout } from '../../../src/parquet/readParquet';
import { stableRowIds } from '../transaction/rowTrackingIds';
import { withTempTable } from './helpers';

const TRACKED = { 'delta.enableRowTracking': 'true' };

const idsAndValues = (...values: bigint[]): RecordBatch[] =>
  tableFromArrays({ id: BigInt64Array.from(values), v: Float64Array.from(values.map(Number)) }).batches;

/** The commit's tags and, per added data file, its row count and the top-level columns it stores. */
async function commitLayout(dir: string, version: number): Promise<{ tags: unknown; files: Array<[number, string[]]> }> {
  const actions = await readCommit((await DeltaTable.open(dir)).store, commitPath(version));
  const files = await Promise.all(actions.flatMap((a) => (a.add ? [a.add] : [])).map(async (add): Promise<[number, string[]]> => {
    const columns = parquetLayout(new Uint8Array(await readFile(join(dir, decodeURIComponent(add.path))))).columns;
    return [(JSON.parse(add.stats ?? '{}') as { numRecords: number }).numRecords, columns];
  }));
  return { tags: actions.find((a) => a.commitInfo)?.commitInfo?.tags, files: files.sort((a, b) => a[0] - b[0]) };
}

test('a MERGE that only inserts writes files without the materialized row columns, tagged preserved as Spark does; inserts beside updated rows share their files', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, idsAndValues(1n, 2n, 3n), { properties: { ...TRACKED, 'delta.enableDeletionVectors': 'true' } });
    const columns = materializedRowColumns((await (await DeltaTable.open(dir)).snapshot()).metadata);
    assert.ok(columns);
    const preserved = { 'delta.rowTracking.preserved': 'true' };

    // Insert-only: key 2 matches and is left alone, 7 and 8 are new.
    const insertOnly = await mergeRows(dir, idsAndValues(2n, 7n, 8n), { key: ['id'], whenMatched: 'ignore' });
    assert.deepEqual([insertOnly.version, insertOnly.rowsInserted, insertOnly.rowsUpdated, insertOnly.filesRemoved], [1, 2, 0, 0]);
    assert.deepEqual(await commitLayout(dir, 1), { tags: preserved, files: [[2, ['id', 'v']]] });
    // Readers take the new rows' ids from the file's baseRowId (above the mark 2) and version 1.
    assert.deepEqual(await stableRowIds(dir, 'id'), [[1n, 0n, 0n], [2n, 1n, 0n], [3n, 2n, 0n], [7n, 3n, 1n], [8n, 4n, 1n]]);

    // A matched DELETE by deletion vector writes no rows either: the inserts still go alone.
    const deleted = await mergeRows(dir, idsAndValues(1n, 9n), { key: ['id'], matched: [{ action: 'delete' }] });
    assert.deepEqual([deleted.rowsDeleted, deleted.rowsInserted], [1, 1]);
    const deleteLayout = await commitLayout(dir, deleted.version);
    // The re-added first file (with its deletion vector) and the new file holding 9 alone.
    assert.deepEqual(deleteLayout.files, [[1, ['id', 'v']], [3, ['id', 'v']]]);
    assert.deepEqual(await stableRowIds(dir, 'id'), [[2n, 1n, 0n], [3n, 2n, 0n], [7n, 3n, 1n], [8n, 4n, 1n], [9n, 5n, BigInt(deleted.version)]]);

    // An upsert updates 3 (copy-on-write, keeping its id) and inserts 10 beside the copied and updated rows.
    const upsert = await mergeRows(dir, idsAndValues(3n, 10n), { key: ['id'], deletionVectors: false });
    assert.deepEqual([upsert.rowsUpdated, upsert.rowsInserted], [1, 1]);
    const upsertLayout = await commitLayout(dir, upsert.version);
    // Copied 2, updated 3 and inserted 10 in one file.
    assert.deepEqual(upsertLayout, { tags: preserved, files: [[3, ['id', 'v', columns.rowId, columns.rowCommitVersion]]] });
    const v = BigInt(upsert.version);
    const after = await stableRowIds(dir, 'id');
    assert.deepEqual(after.slice(0, 5), [[2n, 1n, 0n], [3n, 2n, v], [7n, 3n, 1n], [8n, 4n, 1n], [9n, 5n, BigInt(deleted.version)]]);
    assert.deepEqual([after[5]?.[0], after[5]?.[2]], [10n, v]);
    assert.ok(Number(after[5]?.[1]) > 5, `fresh row id ${String(after[5]?.[1])}`);
  });
});
