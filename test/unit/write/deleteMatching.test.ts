import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { batchesOf, readRows, withTempTable } from './helpers';

/*
 * DELETE finds matches on the predicate's columns alone and decodes the other columns only for the
 * files it rewrites: these check the rows that stay, whatever the spelling of the columns, with
 * NULLs (a NULL predicate keeps the row) and with a deletion vector already on the file.
 */
for (const dvs of [false, true]) {
  describe(`DELETE ${dvs ? 'with deletion vectors' : 'copy-on-write'} reads the predicate's columns first`, () => {
    test('keeps exactly the rows the predicate does not select, over repeated deletes', async () => {
      await withTempTable(async (dir) => {
        const v = [0, 1, 2, null, 4, 5, 6, null, 8, 9];
        await writeTable(dir, batchesOf({
          id: BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i)),
          part: ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b'],
          v: v.map((x) => x),
          note: Array.from({ length: 10 }, (_, i) => `row ${i}`),
        }), { partitionBy: ['part'], properties: dvs ? { 'delta.enableDeletionVectors': 'true' } : {} });
        const first = await deleteRows(dir, 'V > 5');
        assert.equal(first.rowsRemoved, 3);
        assert.deepEqual((await readRows(dir, 'id')).map((r) => [r.id, r.v, r.note]), [
          [0n, 0, 'row 0'], [1n, 1, 'row 1'], [2n, 2, 'row 2'], [3n, null, 'row 3'], [4n, 4, 'row 4'], [5n, 5, 'row 5'], [7n, null, 'row 7'],
        ]);
        const second = await deleteRows(dir, "v < 2 OR (PART = 'b' AND v IS NULL)");
        assert.equal(second.rowsRemoved, 3);
        assert.deepEqual((await readRows(dir, 'id')).map((r) => r.id), [2n, 3n, 4n, 5n]);
        const files = (await (await DeltaTable.open(dir)).snapshot()).files();
        assert.equal(files.some((f) => f.deletionVector !== undefined), dvs);
        const nothing = await deleteRows(dir, 'v > 100');
        assert.equal(nothing.rowsRemoved, 0);
      });
    });
  });
}

describe('DELETE on a data file with a corrupt data page', () => {
  for (const dvs of [false, true]) {
    test(`fails with DELTA_CORRUPT_PARQUET and leaves the table as it was (${dvs ? 'deletion vectors' : 'copy-on-write'})`, async () => {
      await withTempTable(async (dir) => {
        await writeTable(dir, batchesOf({
          id: BigInt64Array.from({ length: 50 }, (_, i) => BigInt(i)),
          note: Array.from({ length: 50 }, (_, i) => `row ${i}`),
        }), { properties: dvs ? { 'delta.enableDeletionVectors': 'true' } : {} });
        const snapshot = await (await DeltaTable.open(dir)).snapshot();
        const file = join(dir, snapshot.files()[0]?.path ?? '');
        const bytes = await readFile(file);
        // Just past the leading magic: the first column chunk's page header and data.
        bytes.fill(0xff, 4, 60);
        await writeFile(file, bytes);
        await assert.rejects(deleteRows(dir, 'id < 10'), (error: unknown) => isDeltaError(error, 'DELTA_CORRUPT_PARQUET'));
        assert.equal((await (await DeltaTable.open(dir)).snapshot()).version, snapshot.version);
      });
    });
  }
});
