import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import type { RecordBatch } from 'apache-arrow';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { DmlWrites } from '../../../src/delta/write/dmlWrites';
import { mergeRows } from '../../../src/delta/write/mergeRows';
import { openTable } from '../../../src/delta/write/tableLocation';
import { writeTable } from '../../../src/delta/write/writeTable';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { batchesOf, readRows, withTempTable } from './helpers';

/*
 * With decodeAhead, DML rewrites files one apart (rewriteFiles): the next file's matches are found
 * while this file's rows are written. The result must be exactly that of one file after the other,
 * and a failure in the file found ahead must fail the operation with nothing committed or left.
 */
const FILES = 3;
const PER_FILE = 20_000;

/** FILES appends of PER_FILE rows: id, and label (NULL on every 7th row). */
async function writeFiles(dir: string): Promise<void> {
  for (let f = 0; f < FILES; f++) {
    const from = f * PER_FILE;
    await writeTable(dir, batchesOf({
      id: BigInt64Array.from({ length: PER_FILE }, (_, i) => BigInt(from + i)),
      label: Array.from({ length: PER_FILE }, (_, i) => ((from + i) % 7 === 0 ? null : `label-${from + i}`)),
    }), { mode: f === 0 ? 'error' : 'append' });
  }
}

async function dataFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.parquet')).sort();
}

/** Resolves once `ready()` holds, checking every few milliseconds; fails after `ms`. */
async function until(ready: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('DML rewrites one file apart (decodeAhead)', () => {
  test('the next file is matched while this one is written, and every file is staged as alone', async () => {
    await withTempTable(async (dir) => {
      await writeFiles(dir);
      const tx = await Transaction.start(await openTable(dir));
      const files = [...(tx.snapshot?.files() ?? [])].sort((a, b) => a.path.localeCompare(b.path));
      assert.equal(files.length, FILES);
      const writes = new DmlWrites(tx, { decodeAhead: true });
      const events: string[] = [];
      const matched: bigint[] = [];
      await writes.rewrite(files, (file) => {
        const name = files.indexOf(file);
        return {
          match: (batch: RecordBatch) => {
            events.push(`match ${name}`);
            const ids = batch.getChild('id')?.toArray() as BigInt64Array;
            return Uint8Array.from(ids, (id) => (id % 1000n === 0n ? 1 : 0));
          },
          onMatched: async (rows: RecordBatch) => {
            // Waits for the next file's match pass: only a rewrite that looks ahead gets past this.
            if (name + 1 < FILES) await until(() => events.includes(`match ${name + 1}`), 5000);
            events.push(`matched ${name}`);
            matched.push(...(rows.getChild('id')?.toArray() as BigInt64Array));
          },
        };
      }, ['id']);
      assert.deepEqual(matched.sort((a, b) => (a < b ? -1 : 1)), Array.from({ length: (FILES * PER_FILE) / 1000 }, (_, i) => BigInt(i * 1000)));
      assert.deepEqual([writes.filesRemoved, writes.rowsMatched, writes.rowsCopied], [FILES, (FILES * PER_FILE) / 1000, FILES * PER_FILE - (FILES * PER_FILE) / 1000]);
      assert.ok(events.indexOf('match 1') < events.indexOf('matched 0'), events.join(', '));
      await writes.abort();
    });
  });

  test('DELETE and MERGE give the same rows as without looking ahead', async () => {
    const outcome = async (decodeAhead: boolean): Promise<Record<string, unknown>[]> => {
      let rows: Record<string, unknown>[] = [];
      await withTempTable(async (dir) => {
        await writeFiles(dir);
        await deleteRows(dir, 'label IS NULL OR id >= 59990', { deletionVectors: false, decodeAhead });
        await mergeRows(dir, batchesOf({
          id: BigInt64Array.from([1n, 20_001n, 40_001n, 70_000n]),
          label: ['one', 'twenty thousand and one', null, 'new'],
        }), { key: ['id'], decodeAhead });
        rows = await readRows(dir, 'id');
      });
      return rows;
    };
    const ahead = await outcome(true);
    assert.deepEqual(ahead, await outcome(false));
    // 8,572 NULL labels (every 7th id), 8 more ids from 59,990; one row inserted.
    assert.equal(ahead.length, 60_000 - 8_572 - 8 + 1);
    assert.deepEqual(ahead.filter((row) => [1n, 20_001n, 40_001n, 70_000n].includes(row.id as bigint)).map((row) => row.label),
      ['one', 'twenty thousand and one', null, 'new']);
    assert.equal(ahead.find((row) => row.id === 2n)?.label, 'label-2');
  });

  test('a failure in the file matched ahead fails the MERGE: nothing committed, no file left', async () => {
    await withTempTable(async (dir) => {
      await writeFiles(dir);
      const before = await dataFiles(dir);
      const version = (await (await DeltaTable.open(dir)).snapshot()).version;
      // Key 5 (first file) is updated; key 45,000 (third file) has two source rows.
      const source = batchesOf({
        id: BigInt64Array.from([5n, 45_000n, 45_000n]),
        label: ['five', 'a', 'b'],
      });
      // A tiny target size closes a data file at every write: the first file's rewrite is on disk when the error comes.
      await assert.rejects(mergeRows(dir, source, { key: ['id'], decodeAhead: true, targetFileSize: 1 }),
        (error: unknown) => isDeltaError(error, 'DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE'));
      assert.equal((await (await DeltaTable.open(dir)).snapshot()).version, version);
      assert.deepEqual(await dataFiles(dir), before);
    });
  });

  test('an abort after the first file fails the DELETE with the abort reason: nothing committed, no file left', async () => {
    await withTempTable(async (dir) => {
      await writeFiles(dir);
      const before = await dataFiles(dir);
      const version = (await (await DeltaTable.open(dir)).snapshot()).version;
      const stop = new AbortController();
      const done: number[] = [];
      await assert.rejects(deleteRows(dir, 'label IS NULL', {
        deletionVectors: false, decodeAhead: true, targetFileSize: 1, signal: stop.signal,
        onProgress: (files) => {
          done.push(files);
          stop.abort(new Error('stopped by the user'));
        },
      }), /stopped by the user/);
      assert.deepEqual(done, [1]);
      assert.equal((await (await DeltaTable.open(dir)).snapshot()).version, version);
      assert.deepEqual(await dataFiles(dir), before);
    });
  });
});
