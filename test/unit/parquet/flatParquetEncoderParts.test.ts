import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import { flatParquetEncoder } from '../../../src/parquet/flatEncoder/flatParquetEncoder';
import { PageBuffers } from '../../../src/parquet/flatEncoder/pageBuffers';
import { LocalFileStore } from '../../../src/storage/localFileStore';
import { concatBytes } from '../../../src/util/concatBytes';
import { tempTableDir } from '../write/helpers';

test('a file finished as parts holds the bytes of the same file finished whole (the two sharing one page pool), and the store writes them all in order', async () => {
  // 600,000 rows in row groups of 4,096: more parts (about 1,700) than one writev takes (IOV_MAX, 1024 on Linux).
  const rows = 600_000;
  const { batches } = new Table({
    id: vectorFromArray(BigInt64Array.from({ length: rows }, (_, i) => BigInt(i))),
    quantity: vectorFromArray(Int32Array.from({ length: rows }, (_, i) => (i * 7919) % 2000)),
    name: vectorFromArray(Array.from({ length: rows }, (_, i) => `name-${(i * 40_503) % 200_000}`), new Utf8()),
  });
  const schema = batches[0]?.schema;
  assert.ok(schema);
  // Both encoders take page bodies from one pool, their writes interleaved (as a writer's open files do).
  const buffers = new PageBuffers();
  const whole = flatParquetEncoder(schema, { compression: 'zstd', rowGroupSize: 4096 }, buffers);
  const parted = flatParquetEncoder(schema, { compression: 'zstd', rowGroupSize: 4096 }, buffers);
  const alone = flatParquetEncoder(schema, { compression: 'zstd', rowGroupSize: 4096 });
  assert.ok(whole && parted && alone);
  for (const batch of batches) {
    await whole.write(batch);
    await parted.write(batch);
    await alone.write(batch);
  }
  const bytes = await whole.finish();
  // Stale bytes of a shared buffer would show against an encoder with a pool of its own.
  assert.deepEqual(await alone.finish(), bytes);
  const parts = await parted.finishParts();
  assert.ok(parts.length > 1024, `${parts.length} parts`);
  assert.deepEqual(concatBytes(parts), bytes);

  const { dir, cleanup } = await tempTableDir();
  try {
    await new LocalFileStore(dir).putParts('sub/file.parquet', parts);
    assert.deepEqual(new Uint8Array(await readFile(`${dir}/sub/file.parquet`)), bytes);
    // The temp file was renamed: nothing else is left.
    assert.deepEqual(await readdir(`${dir}/sub`), ['file.parquet']);
  } finally {
    await cleanup();
  }
});
