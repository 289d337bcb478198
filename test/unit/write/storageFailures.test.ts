import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsPromises } from 'node:fs';
import { chmod, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { vacuumTable } from '../../../src/ops/vacuum/vacuumTable';
import { LocalFileStore, type LocalFileSystem } from '../../../src/storage/localFileStore';
import { storageWriteError } from '../../../src/storage/storageWriteError';
import { batchesOf, readRows, tempTableDir } from './helpers';

const rows = (from: number): ReturnType<typeof batchesOf> => batchesOf({ id: BigInt64Array.of(BigInt(from), BigInt(from + 1)) });

function errnoError(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated failure, open '${path}'`), { code, path, syscall: 'open' });
}

/**
 * A file system whose writes under paths matching `fails` behave like a full disk (half the bytes
 * land, then ENOSPC) or a read-only one (nothing lands): the same errors Node raises for real.
 */
function faultyFileSystem(fails: (path: string) => boolean, code: 'ENOSPC' | 'EROFS'): LocalFileSystem {
  const write: typeof fsPromises.writeFile = async (file, data, options) => {
    const path = String(file);
    if (!fails(path)) return fsPromises.writeFile(file, data, options);
    if (code === 'ENOSPC' && data instanceof Uint8Array) await fsPromises.writeFile(file, data.subarray(0, data.length >> 1), options);
    throw errnoError(code, path);
  };
  // Large data files are written through a handle (LocalFileStore.putParts: one writev of their pages).
  const open: typeof fsPromises.open = async (file, flags, mode) => {
    const path = String(file);
    const writing = flags !== undefined && flags !== 'r';
    if (writing && fails(path) && code === 'EROFS') throw errnoError(code, path);
    const handle = await fsPromises.open(file, flags, mode);
    if (!writing || !fails(path)) return handle;
    const writev: typeof handle.writev = async (buffers) => {
      const bytes = Buffer.concat(buffers.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
      if (code === 'ENOSPC') await handle.write(bytes.subarray(0, bytes.length >> 1));
      throw errnoError(code, path);
    };
    return Object.assign(Object.create(handle) as typeof handle, { writev });
  };
  return { ...fsPromises, writeFile: write, open };
}

/** Every file under dir (relative paths), hidden temp files included. */
async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

async function seeded(): Promise<{ dir: string; cleanup: () => Promise<void>; before: string[] }> {
  const { dir, cleanup } = await tempTableDir();
  await writeTable(dir, rows(1));
  return { dir, cleanup, before: await allFiles(dir) };
}

async function assertUnchanged(dir: string): Promise<void> {
  assert.equal((await (await DeltaTable.open(dir)).snapshot()).version, 0);
  assert.deepEqual((await readRows(dir, 'id')).map((r) => r.id), [1n, 2n]);
}

test('a data file that hits a full disk fails with DELTA_STORAGE_FULL naming it; the table and directory stay as they were', async () => {
  const { dir, cleanup, before } = await seeded();
  try {
    const store = new LocalFileStore(dir, faultyFileSystem((p) => !p.includes('_delta_log'), 'ENOSPC'));
    await assert.rejects(writeTable(store, rows(3)), (error: unknown) =>
      isDeltaError(error, 'DELTA_STORAGE_FULL') && error.message.includes(`${dir}/part-`) && /no space left/.test(error.message));
    await assertUnchanged(dir);
    // The half-written temp file was removed: nothing new at all.
    assert.deepEqual(await allFiles(dir), before);
  } finally {
    await cleanup();
  }
});

test('a commit that hits a full disk fails with DELTA_STORAGE_FULL naming the commit; only an orphan data file is left, which VACUUM removes', async () => {
  const { dir, cleanup, before } = await seeded();
  try {
    const store = new LocalFileStore(dir, faultyFileSystem((p) => p.includes('_delta_log'), 'ENOSPC'));
    await assert.rejects(writeTable(store, rows(3)), (error: unknown) =>
      isDeltaError(error, 'DELTA_STORAGE_FULL') && error.message.includes(join(dir, '_delta_log', '00000000000000000001.json')));
    await assertUnchanged(dir);
    const orphans = (await allFiles(dir)).filter((f) => !before.includes(f));
    assert.equal(orphans.length, 1);
    assert.match(orphans[0] ?? '', /^part-.*\.parquet$/);
    const vacuum = await vacuumTable(dir, { retentionHours: 0, force: true, logging: false, now: Date.now() + 60_000 });
    assert.deepEqual(vacuum.files, orphans);
    assert.deepEqual(await allFiles(dir), before);
  } finally {
    await cleanup();
  }
});

test('a deletion vector that hits a full disk fails the DELETE with DELTA_STORAGE_FULL; the table stays as it was', async () => {
  const { dir, cleanup } = await tempTableDir();
  try {
    await writeTable(dir, rows(1), { properties: { 'delta.enableDeletionVectors': 'true' } });
    const before = await allFiles(dir);
    const store = new LocalFileStore(dir, faultyFileSystem((p) => !p.includes('_delta_log'), 'ENOSPC'));
    await assert.rejects(deleteRows(store, 'id = 1'), (error: unknown) =>
      isDeltaError(error, 'DELTA_STORAGE_FULL') && error.message.includes(`${dir}/deletion_vector_`));
    await assertUnchanged(dir);
    assert.deepEqual(await allFiles(dir), before);
  } finally {
    await cleanup();
  }
});

test('a write to a read-only table directory fails with DELTA_STORAGE_READ_ONLY and changes nothing', async () => {
  const { dir, cleanup, before } = await seeded();
  const dirs = [dir, join(dir, '_delta_log')];
  try {
    for (const d of dirs) await chmod(d, 0o555);
    // As root (CI containers), permissions do not stop writes: then a read-only mount is simulated.
    const probe = join(dir, '.probe');
    const chmodBlocks = await writeFile(probe, '').then(async () => {
      await unlink(probe);
      return false;
    }, () => true);
    const store = chmodBlocks ? new LocalFileStore(dir) : new LocalFileStore(dir, faultyFileSystem(() => true, 'EROFS'));
    await assert.rejects(writeTable(store, rows(3)), (error: unknown) =>
      isDeltaError(error, 'DELTA_STORAGE_READ_ONLY') && error.message.includes(dir) && /read-only \((EACCES|EROFS)\)/.test(error.message));
    await assertUnchanged(dir);
    assert.deepEqual(await allFiles(dir), before);
  } finally {
    for (const d of dirs) await chmod(d, 0o755);
    await cleanup();
  }
});

test('other storage errors pass through unchanged', () => {
  const error = errnoError('EIO', '/x');
  assert.equal(storageWriteError(error, '/x'), error);
  assert.equal(storageWriteError(new Error('plain'), '/x') instanceof Error, true);
});
