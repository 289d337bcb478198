import type { ObjectMeta, ObjectStore } from '../../storage/objectStore';

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
  const files: ObjectMeta[] = [];
  const ignored: string[] = [];
  for (const object of await store.list('', { recursive: true })) {
    if (isHiddenPath(object.path)) ignored.push(object.path);
    else files.push(object);
  }
  return { files, ignored };
}

export function isHiddenPath(path: string): boolean {
  const segments = path.split('/');
  const name = segments[segments.length - 1] as string;
  if (name.startsWith('.') || name.startsWith('_') || name.endsWith('.crc')) return true;
  return segments.slice(0, -1).some((dir) => dir.startsWith('.') || (dir.startsWith('_') && !dir.includes('=')));
}
