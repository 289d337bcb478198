import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordBatch } from 'apache-arrow';
import { DeltaTable } from '../../../src/delta/table';
import { readDataFile } from '../../../src/delta/write/fileRows';
import { withTempTable } from './helpers';
import { writeNoiseFiles } from './noiseFiles';

/*
 * A rewrite's pass over every column recycles each row group's buffers once it moves past the
 * group (DataFileContent.recyclingBatches): the decoder then reuses them for the next groups. A
 * batch must keep its values for as long as the consumer is on it, whatever is decoded ahead.
 */
const FILES = 3;
const PER_FILE = 100_000;

const label = (i: number): string | null => (i % 9 === 0 ? null : `label-${i % 1000}-${'y'.repeat(i % 4)}`);

/** Each file's group passes 1 MiB, so it is decoded in the worker pool. */
function writeFiles(dir: string): Promise<Float64Array> {
  return writeNoiseFiles(dir, FILES, PER_FILE, [3, 5], label);
}

/** Whether every row of `batch` (rows from `first`) holds the values written. */
function holdsWritten(batch: RecordBatch, first: number, x: Float64Array): boolean {
  const ids = batch.getChild('id');
  const xs = batch.getChild('x');
  const labels = batch.getChild('label');
  if (batch.numRows === 0 || ids?.length !== batch.numRows) return false;
  for (let row = 0; row < batch.numRows; row++) {
    const i = first + row;
    if (ids.get(row) !== BigInt(i) || xs?.get(row) !== x[i] || labels?.get(row) !== label(i)) return false;
  }
  return true;
}

describe('recycling batches of a rewrite', () => {
  for (const decodeAhead of [true, false]) {
    test(`${decodeAhead ? 'decoded ahead in the worker pool' : 'decoded on this thread'}: every batch holds its rows while the consumer is on it, files after files`, async () => {
      await withTempTable(async (dir) => {
        const x = await writeFiles(dir);
        const snapshot = await (await DeltaTable.open(dir)).snapshot();
        const files = [...snapshot.files()].sort((a, b) => a.path.localeCompare(b.path));
        const seen: RecordBatch[] = [];
        const firstRows: number[] = [];
        let rows = 0;
        for (const file of files) {
          const content = await readDataFile(snapshot, file, snapshot.schema, 30_000, decodeAhead);
          let fileFirst: number | undefined;
          for await (const { batch, rowOffset } of content.recyclingBatches(() => true)) {
            fileFirst ??= Number(batch.getChild('id')?.get(0) as bigint);
            assert.ok(holdsWritten(batch, fileFirst + rowOffset, x), `rows from ${fileFirst + rowOffset} when taken`);
            // The next group (or file) decodes meanwhile: this batch must not change under the consumer.
            await new Promise((resolve) => setTimeout(resolve, 30));
            assert.ok(holdsWritten(batch, fileFirst + rowOffset, x), `rows from ${fileFirst + rowOffset} after a pause`);
            seen.push(batch);
            firstRows.push(fileFirst + rowOffset);
            rows += batch.numRows;
          }
        }
        assert.equal(rows, FILES * PER_FILE);
        if (decodeAhead) {
          // The worker's buffers are shared memory: once passed, they went back to it, which decoded
          // later groups into them (proof they were recycled).
          const first = seen[0] as RecordBatch;
          assert.ok(first.getChild('x')?.data[0]?.values.buffer instanceof SharedArrayBuffer);
          assert.ok(!holdsWritten(first, firstRows[0] as number, x), 'the first batch\'s memory was reused');
        }
      });
    });
  }

  test('a consumer that did not copy keeps its batches: nothing is recycled', async () => {
    await withTempTable(async (dir) => {
      const x = await writeFiles(dir);
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      const seen: Array<{ batch: RecordBatch; first: number }> = [];
      for (const file of snapshot.files()) {
        const content = await readDataFile(snapshot, file, snapshot.schema, 30_000, true);
        let fileFirst: number | undefined;
        for await (const { batch, rowOffset } of content.recyclingBatches(() => false)) {
          fileFirst ??= Number(batch.getChild('id')?.get(0) as bigint);
          seen.push({ batch, first: fileFirst + rowOffset });
        }
      }
      assert.equal(seen.length, FILES * Math.ceil(PER_FILE / 30_000));
      for (const { batch, first } of seen) assert.ok(holdsWritten(batch, first, x), `rows from ${first} at the end`);
    });
  });
});
