import type { Action, AddFile } from '../actions';

/** The `remove` action retiring an active file, carrying what VACUUM and CDF readers need. */
export function removeActionOf(file: AddFile, deletionTimestamp: number, dataChange = true): Action {
  return {
    remove: {
      path: file.path,
      deletionTimestamp,
      dataChange,
      extendedFileMetadata: true,
      partitionValues: file.partitionValues,
      size: file.size,
      ...(file.stats ? { stats: file.stats } : {}),
      ...(file.tags ? { tags: file.tags } : {}),
      ...(file.deletionVector ? { deletionVector: file.deletionVector } : {}),
      ...(file.baseRowId !== undefined && file.baseRowId !== null ? { baseRowId: file.baseRowId } : {}),
      ...(file.defaultRowCommitVersion !== undefined && file.defaultRowCommitVersion !== null
        ? { defaultRowCommitVersion: file.defaultRowCommitVersion } : {}),
    },
  };
}
