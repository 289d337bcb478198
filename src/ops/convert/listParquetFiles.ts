import { statSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectMeta, ObjectStore } from '../../storage/objectStore';
import { EventLoopSlicer } from './eventLoopSlicer';

export interface SourceListing {
  /** Data files, sorted by path. */
  files: ObjectMeta[];
  /** Paths skipped as hidden or bookkeeping (`_SUCCESS`, `.crc`, `_delta_log/`, `.hidden/`), sorted. */
  ignored: string[];
}

/**
 * The data files under a folder as Spark's file index sees them: a path segment starting with '.'
 * is hidden, and one starting with '_' too unless it is a `key=value` partition directory (Hive
 * allows `_col=1`). `.crc` checksum files of Hadoop's local file system are skipped as well.
 */
export async function listSourceFiles(store: ObjectStore): Promise<SourceListing> {
  return splitHidden(await store.list('', { recursive: true }));
}

/**
 * listSourceFiles for a local folder, with the same paths, sizes and modification times as
 * LocalFileStore.list, but each file's `stat` made synchronously (in event-loop slices): the
 * promise `stat` of 10,000 files costs about seven times the CPU, almost all of it thread-pool
 * round trips, and the folder is listed twice per conversion.
 */
export async function listLocalSourceFiles(root: string): Promise<SourceListing> {
  const objects: ObjectMeta[] = [];
  const slicer = new EventLoopSlicer();
  const collect = async (prefix: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, prefix), { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return; // removed while listing
      throw error;
    }
    for (const entry of entries) {
      const path = prefix + entry.name;
      if (entry.isDirectory()) await collect(`${path}/`);
      else if (entry.isFile()) {
        await slicer.pause();
        const stat = statSync(join(root, path), { throwIfNoEntry: false });
        if (stat) objects.push({ path, size: stat.size, modifiedMs: Math.floor(stat.mtimeMs) });
      }
    }
  };
  await collect('');
  return splitHidden(objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
}

function splitHidden(objects: readonly ObjectMeta[]): SourceListing {
  const files: ObjectMeta[] = [];
  const ignored: string[] = [];
  for (const object of objects) {
    if (isHiddenPath(object.path)) ignored.push(object.path);
    else files.push(object);
  }
  return { files, ignored };
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

export function isHiddenPath(path: string): boolean {
  const segments = path.split('/');
  const name = segments[segments.length - 1] as string;
  if (name.startsWith('.') || name.startsWith('_') || name.endsWith('.crc')) return true;
  return segments.slice(0, -1).some((dir) => dir.startsWith('.') || (dir.startsWith('_') && !dir.includes('=')));
}
