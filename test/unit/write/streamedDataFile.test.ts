import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsPromises } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromArrays, type RecordBatch } from 'apache-arrow';
import { isDeltaError } from '../../../src/delta/errors';
import { DataFileWriter, type WrittenFile } from '../../../src/delta/write/dataFileWriter';
import type { StructType } from '../../../src/delta/schema';
import { flatParquetEncoder } from '../../../src/parquet/flatEncoder/flatParquetEncoder';
import { LocalFileStore, type LocalFileSystem } from '../../../src/storage/localFileStore';
import type { ObjectStore, ObjectWriter } from '../../../src/storage/objectStore';
import { concatBytes } from '../../../src/util/concatBytes';
import { tempTableDir } from './helpers';

/*
 * A flat-encoded data file on a store with openWrite goes out a row group at a time as each
 * closes (DataFileWriter with StreamedDataFile): the same bytes as one putParts at the end.
 */

const ROWS_PER_BATCH = 500_000;
/** Five batches: 2.5 million rows, two full row groups (1,048,576 rows each) and a partial one. */
const BATCHES = 5;

const schema: StructType = {
  kind: 'struct',
  fields: [
    { name: 'id', type: { kind: 'primitive', name: 'long' }, nullable: true, metadata: {} },
    { name: 'q', type: { kind: 'primitive', name: 'integer' }, nullable: true, metadata: {} },
  ],
};

function batch(k: number): RecordBatch {
  const from = k * ROWS_PER_BATCH;
  return tableFromArrays({
    id: BigInt64Array.from({ length: ROWS_PER_BATCH }, (_, i) => BigInt(from + i)),
    q: Int32Array.from({ length: ROWS_PER_BATCH }, (_, i) => ((from + i) * 7919) % 5000),
  }).batches[0] as RecordBatch;
}

function writerOn(store: ObjectStore): DataFileWriter {
  return new DataFileWriter({ store, schema, partitionColumns: [], columnMappingMode: 'none', compression: 'zstd' });
}

/** Every file under dir (relative paths), hidden temp files included. */
async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

/** A LocalFileStore that counts the writes of its streamed objects. */
class CountingStore extends LocalFileStore {
  writes = 0;
  override async openWrite(path: string): Promise<ObjectWriter> {
    const writer = await super.openWrite(path);
    return {
      write: (parts) => { this.writes++; return writer.write(parts); },
      close: () => writer.close(),
      abort: () => writer.abort(),
    };
  }
}

async function writeAll(store: ObjectStore): Promise<WrittenFile[]> {
  const writer = writerOn(store);
  for (let k = 0; k < BATCHES; k++) await writer.write(batch(k));
  return writer.finish();
}

describe('data files written a row group at a time', () => {
  test('the encoder\'s closed parts and its last parts make the bytes of the file finished whole', async () => {
    const whole = flatParquetEncoder(batch(0).schema, { compression: 'zstd', rowGroupSize: 300_000 });
    const parted = flatParquetEncoder(batch(0).schema, { compression: 'zstd', rowGroupSize: 300_000 });
    assert.ok(whole && parted);
    const parts: Uint8Array[] = [];
    const takes: number[] = [];
    for (let k = 0; k < 3; k++) {
      await whole.write(batch(k));
      await parted.write(batch(k));
      const taken = parted.takeClosedParts();
      takes.push(taken.length);
      parts.push(...taken);
    }
    parts.push(...await parted.finishParts());
    // Each write of 500,000 rows closes one or two row groups of 300,000: parts every time.
    assert.ok(takes.every((n) => n > 0), `parts taken per write: ${takes.join(', ')}`);
    assert.deepEqual(concatBytes(parts), await whole.finish());
  });

  test('a file streamed through openWrite holds the same bytes as one stored with putParts', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      const streaming = new CountingStore(join(dir, 'streamed'));
      const streamed = await writeAll(streaming);
      // Two row groups went out before finish, the rest with it.
      assert.equal(streaming.writes, 3);
      const local = new LocalFileStore(join(dir, 'parts'));
      const partsOnly = Object.assign(Object.create(local) as LocalFileStore, { openWrite: undefined });
      const stored = await writeAll(partsOnly);
      assert.equal(streamed.length, 1);
      assert.equal(stored.length, 1);
      const a = new Uint8Array(await readFile(join(dir, 'streamed', streamed[0]!.path)));
      const b = new Uint8Array(await readFile(join(dir, 'parts', stored[0]!.path)));
      assert.equal(streamed[0]!.size, a.length);
      assert.equal(streamed[0]!.rows, BATCHES * ROWS_PER_BATCH);
      assert.equal(streamed[0]!.stats, stored[0]!.stats);
      assert.deepEqual(a, b);
      // No temp file left beside either.
      assert.deepEqual(await allFiles(dir), [`parts/${stored[0]!.path}`, `streamed/${streamed[0]!.path}`].sort());
    } finally {
      await cleanup();
    }
  });

  test('an abort after row groups went out removes the partial file: nothing is left', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      const writer = writerOn(new LocalFileStore(dir));
      // The fifth batch closes the second row group, whose write waits for the first's (under way).
      for (let k = 0; k < BATCHES; k++) await writer.write(batch(k));
      const partial = await allFiles(dir);
      assert.equal(partial.length, 1);
      assert.match(partial[0]!, /^\.[0-9a-f-]+\.tmp$/);
      await writer.abort();
      assert.deepEqual(await allFiles(dir), []);
    } finally {
      await cleanup();
    }
  });

  test('a full disk in the middle of a streamed file fails with DELTA_STORAGE_FULL naming it; the writer\'s abort leaves nothing', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      // The second writev of any file written through a handle fails as a full disk does.
      const open: typeof fsPromises.open = async (file, flags, mode) => {
        const handle = await fsPromises.open(file, flags, mode);
        if (flags !== 'w') return handle;
        let calls = 0;
        const writev: typeof handle.writev = async (buffers, position) => {
          if (++calls < 2) return handle.writev(buffers, position);
          throw Object.assign(new Error(`ENOSPC: simulated failure, write '${String(file)}'`), { code: 'ENOSPC' });
        };
        return Object.assign(Object.create(handle) as typeof handle, { writev, close: () => handle.close() });
      };
      const fs: LocalFileSystem = { ...fsPromises, open };
      const writer = writerOn(new LocalFileStore(dir, fs));
      const failure = async (): Promise<void> => {
        for (let k = 0; k < BATCHES; k++) await writer.write(batch(k));
        await writer.finish();
      };
      await assert.rejects(failure(), (error: unknown) =>
        isDeltaError(error, 'DELTA_STORAGE_FULL') && error.message.includes(`${dir}/part-00000-`));
      await writer.abort();
      assert.deepEqual(await allFiles(dir), []);
    } finally {
      await cleanup();
    }
  });
});
