import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { createTable, startCreateTable } from '../../../src/delta/transaction/createTable';
import { EncodedAddFiles } from '../../../src/delta/transaction/encodedAddFiles';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { fakeAdd, SCHEMA } from './fixtures';
import { withTempDir } from '../../helpers/withTempDir';

const decoder = new TextDecoder();

const spillDirs = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('lakehouse-adds-'));

/** The chunks' text, each decoded before the next is asked for (they may share a buffer). */
async function text(files: EncodedAddFiles): Promise<{ text: string; chunks: number }> {
  let out = '';
  let chunks = 0;
  for await (const chunk of files.chunks()) {
    out += decoder.decode(chunk);
    chunks++;
  }
  return { text: out, chunks };
}

test('encoded adds are the JSON lines of the actions, in order, through the spill file and with non-ASCII paths; no file is left behind', async () => {
  const before = new Set(spillDirs());
  const files = new EncodedAddFiles();
  // 3,000 adds of about 1 KB: three buffers spilled, the rest in memory.
  const adds = Array.from({ length: 3000 }, (_, i) => ({ ...fakeAdd(`f${i}-é€😀`), stats: `{"numRecords":${i},"pad":"${'x'.repeat(900)}"}` }));
  for (const add of adds) files.append(add);
  // A line longer than the buffer goes to the file whole, in its place.
  const huge = { ...fakeAdd('huge'), stats: `{"pad":"${'y'.repeat(2_000_000)}"}` };
  files.append(huge);
  files.append(fakeAdd('last'));
  const expected = [...adds, huge, fakeAdd('last')].map((add) => `${JSON.stringify({ add })}\n`).join('');
  const first = await text(files);
  assert.equal(first.text, expected);
  assert.ok(first.chunks >= 5, `${first.chunks} chunks`);
  // A retried commit reads them all again.
  assert.equal((await text(files)).text, expected);
  assert.equal(files.count, 3002);
  // Unlinked as soon as it was opened (on Windows, at discard): nothing is left for a killed process to leave behind.
  const created = spillDirs().filter((name) => !before.has(name));
  assert.equal(created.length, process.platform === 'win32' ? 1 : 0);
  files.discard();
  for (const name of created) assert.equal(existsSync(join(tmpdir(), name)), false);
});

test('a few adds stay in memory: no temporary file', async () => {
  const before = new Set(spillDirs());
  const files = new EncodedAddFiles();
  files.append(fakeAdd('a'));
  assert.equal((await text(files)).text, `${JSON.stringify({ add: fakeAdd('a') })}\n`);
  assert.deepEqual(spillDirs().filter((name) => !before.has(name)), []);
  files.discard();
});

test('only plain new files can be encoded: no deletion vector, row id or dataChange false', () => {
  const files = new EncodedAddFiles();
  assert.throws(() => files.append({ ...fakeAdd('a'), dataChange: false }), (e) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT'));
  assert.throws(() => files.append({ ...fakeAdd('b'), baseRowId: 4 }), (e) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT'));
  assert.throws(() => files.append({ ...fakeAdd('c'), deletionVector: { storageType: 'i', pathOrInlineDv: 'x', sizeInBytes: 1, cardinality: 1 } }),
    (e) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT'));
  assert.equal(files.count, 0);
});

test('a commit writes encoded adds after the staged actions, readable and a blind append like add()', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const transaction = await startCreateTable(dir, { schema: SCHEMA, partitionColumns: ['part'] });
    transaction.add({ add: fakeAdd('staged') });
    const files = new EncodedAddFiles();
    files.append(fakeAdd('encoded1', 'b'));
    files.append(fakeAdd('encoded2', 'c', [10, 19]));
    transaction.addEncodedFiles(files);
    const result = await transaction.commit({ operation: 'CONVERT' });
    assert.equal(result.actions[0]?.commitInfo?.isBlindAppend, true);
    const lines = (await readFile(join(dir, '_delta_log', '00000000000000000000.json'), 'utf8')).trim().split('\n');
    assert.deepEqual(lines.slice(3), [
      JSON.stringify({ add: fakeAdd('staged') }), JSON.stringify({ add: fakeAdd('encoded1', 'b') }), JSON.stringify({ add: fakeAdd('encoded2', 'c', [10, 19]) }),
    ]);
    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    assert.deepEqual(snapshot.files().map((f) => f.path).sort(), ['part=a/staged.parquet', 'part=b/encoded1.parquet', 'part=c/encoded2.parquet']);
  });
});

test('encoded adds are refused on a table that gives new files row ids', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, properties: { 'delta.enableRowTracking': 'true' } });
    const transaction = await Transaction.start(table);
    const files = new EncodedAddFiles();
    files.append(fakeAdd('f'));
    transaction.addEncodedFiles(files);
    await assert.rejects(transaction.commit({ operation: 'WRITE' }), (e) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT'));
    assert.equal((await table.snapshot()).version, 0);
  });
});
