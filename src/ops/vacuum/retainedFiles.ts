import type { AddFile, DeletionVectorDescriptor, RemoveFile } from '../../delta/actions';
import { resolveDeletionVectorLocation } from '../../delta/deletionVectors/deletionVectorLocation';
import { isDeltaError } from '../../delta/errors';
import { resolveDataFilePath } from '../../delta/filePaths';
import type { ObjectStore } from '../../storage/objectStore';

/**
 * The table-relative paths (decoded, as listed on disk) that VACUUM must keep: every active file,
 * every file removed at or after `deleteBefore` (a version inside the retention window still reads
 * it), and the deletion vector files of both. Files outside the table root are never listed, so
 * they need no entry.
 */
export function retainedFiles(
  store: ObjectStore,
  active: readonly AddFile[],
  removed: readonly RemoveFile[],
  deleteBefore: number,
): Set<string> {
  const keep = new Set<string>();
  const retain = (path: string, dv: DeletionVectorDescriptor | null | undefined): void => {
    const data = insideTable(() => resolveDataFilePath(path, store.root));
    if (data !== undefined) keep.add(data);
    if (dv && dv.storageType !== 'i') {
      const location = insideTable(() => resolveDeletionVectorLocation(store, dv));
      if (location && location.store === store) keep.add(location.path);
    }
  };
  for (const file of active) retain(file.path, file.deletionVector);
  // Spark reads a tombstone without deletionTimestamp as deleted at time 0, i.e. long expired.
  for (const file of removed) if ((file.deletionTimestamp ?? 0) >= deleteBefore) retain(file.path, file.deletionVector);
  return keep;
}

function insideTable<T>(resolve: () => T): T | undefined {
  try {
    return resolve();
  } catch (error) {
    if (isDeltaError(error, 'DELTA_PATH_OUTSIDE_TABLE')) return undefined;
    throw error;
  }
}
