import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { createTable, startCreateTable } from '../../../src/delta/transaction/createTable';
import { EncodedAddFiles } from '../../../src/delta/transaction/encodedAddFiles';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { fakeAdd, SCHEMA } from './fixtures';
import { withTempDir } from '../../helpers/withTempDir';

const decoder = new TextDecoder();
const text = (pieces: readonly Uint8Array[]): string => pieces.map((p) => decoder.decode(p)).join('');

test('encoded adds are the JSON lines of the actions, in order, across 1 MiB pieces and with non-ASCII paths', () => {
  const files = new EncodedAddFiles();
  // 3,000 adds of about 1 KB: three pieces.
  const adds = Array.from({ length: 3000 }, (_, i) => ({ ...fakeAdd(`f${i}-é€😀`), stats: `{"numRecords":${i},"pad":"${'x'.repeat(900)}"}` }));
  for (const add of adds) files.append(add);
  const pieces = files.pieces();
  assert.ok(pieces.length >= 3, `${pieces.length} pieces`);
  const expected = adds.map((add) => `${JSON.stringify({ add })}\n`).join('');
  assert.equal(text(pieces), expected);
  assert.equal(files.count, 3000);
  // Every piece ends with a whole line.
  for (const piece of pieces) assert.equal(piece[piece.byteLength - 1], 0x0a);
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
