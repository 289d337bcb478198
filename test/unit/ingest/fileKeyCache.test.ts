import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddFile, DeletionVectorDescriptor } from '../../../src/delta/actions';
import { FileKeyCache } from '../../../src/ops/ingest/fileKeyCache';

const file = (path: string, size = 100, deletionVector?: DeletionVectorDescriptor): AddFile =>
  ({ path, size, partitionValues: {}, modificationTime: 0, dataChange: true, ...(deletionVector ? { deletionVector } : {}) });
const vector = (id: string, cardinality = 1): DeletionVectorDescriptor => ({ storageType: 'u', pathOrInlineDv: id, offset: 1, sizeInBytes: 10, cardinality });

test('FileKeyCache: an entry is found by path and size only, and a keep mask only for the vector it was seen with', () => {
  const cache = new FileKeyCache();
  const known = cache.remember(file('a.parquet'), Float64Array.of(1, 2, 3));
  assert.deepEqual(cache.get(file('a.parquet'))?.keys, Float64Array.of(1, 2, 3));
  assert.equal(cache.get(file('a.parquet', 101)), undefined, 'another size is another file');
  assert.equal(cache.get(file('b.parquet')), undefined);

  const live = Uint8Array.of(1, 0, 1);
  cache.rememberLiveRows(known, vector('v1'), live);
  assert.equal(cache.liveRows(file('a.parquet', 100, vector('v1')), known), live);
  assert.equal(cache.liveRows(file('a.parquet', 100, vector('v2')), known), undefined, 'another writer gave the file another vector');
  assert.equal(cache.liveRows(file('a.parquet', 100, vector('v1', 2)), known), undefined);
  assert.equal(cache.liveRows(file('a.parquet'), known), undefined, 'no vector: every row is live');
});

test('FileKeyCache: beyond its row budget the least recently used files are dropped', () => {
  const cache = new FileKeyCache(10);
  cache.remember(file('a'), new Float64Array(4));
  cache.remember(file('b'), new Float64Array(4));
  assert.ok(cache.get(file('a')), 'a is now the most recently used');
  cache.remember(file('c'), new Float64Array(4));
  assert.equal(cache.size, 2);
  assert.equal(cache.get(file('b')), undefined, 'b was the least recently used');
  assert.ok(cache.get(file('a')) && cache.get(file('c')));
  cache.forget('a');
  cache.remember(file('big'), new Float64Array(20));
  assert.deepEqual([cache.size, cache.get(file('big'))?.keys.length], [1, 20], 'a file larger than the budget is still held, alone');
});
