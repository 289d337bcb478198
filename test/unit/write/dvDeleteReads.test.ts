import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { FlatRowGroupReader } from '../../../src/delta/write/flatRowGroupReader';
import { writeTable } from '../../../src/delta/write/writeTable';
import { batchesOf, readRows, withTempTable } from './helpers';

/*
 * A DELETE with deletion vectors reads only its predicate's columns: no file is rewritten, so the
 * every-column pass that copy-on-write starts early (with the first file's match pass, decoding
 * ahead) must not start. It did for a while, and doubled the bench's DV DELETE time.
 */
test('a DELETE with deletion vectors and decodeAhead decodes only the predicate\'s columns; copy-on-write decodes them all', async () => {
  for (const dvs of [true, false]) {
    await withTempTable(async (dir) => {
      const n = 20_000;
      await writeTable(dir, batchesOf({
        id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
        v: Float64Array.from({ length: n }, (_, i) => i % 100),
        note: Array.from({ length: n }, (_, i) => `row ${i}`),
      }), { properties: dvs ? { 'delta.enableDeletionVectors': 'true' } : {} });
      const requested: string[][] = [];
      const read = FlatRowGroupReader.prototype.read;
      FlatRowGroupReader.prototype.read = function (this: FlatRowGroupReader, columns, ...rest) {
        requested.push([...columns]);
        return read.call(this, columns, ...rest);
      };
      try {
        const summary = await deleteRows(dir, 'v = 7', { decodeAhead: true });
        assert.equal(summary.rowsRemoved, n / 100);
      } finally {
        FlatRowGroupReader.prototype.read = read;
      }
      const widest = Math.max(...requested.map((columns) => columns.length));
      assert.equal(widest, dvs ? 1 : 3, `columns read: ${JSON.stringify(requested)}`);
      const rows = await readRows(dir, 'id');
      assert.equal(rows.length, n - n / 100);
      assert.ok(rows.every((row) => row.v !== 7));
    });
  }
});
