import type { AddFile, Metadata } from '../../delta/actions';
import { resolveDeletionVectorLocation } from '../../delta/deletionVectors/deletionVectorLocation';
import { DeltaError } from '../../delta/errors';
import { fileActionKey, resolveDataFilePath } from '../../delta/filePaths';
import type { Snapshot } from '../../delta/snapshot';
import { protocolFeatures, upgradeProtocol } from '../../delta/transaction/tableProtocol';
import { Transaction } from '../../delta/transaction/transaction';
import { removeActionOf } from '../../delta/write/removeAction';
import { openTable, type TableLocation } from '../../delta/write/tableLocation';
import { mapLimit } from '../../util/mapLimit';
import type { ProgressCallback } from '../../util/progress';

/** The version to go back to: a version number, or the version current at a time. */
export type RestoreTarget = { version: number } | { timestamp: Date };

export interface RestoreOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface RestoreResult {
  /** The RESTORE commit. */
  version: number;
  /** The version whose state the table now has. */
  restoredVersion: number;
  /** Files of the restored version added back. */
  filesAdded: number;
  /** Files added after the restored version, removed. */
  filesRemoved: number;
  bytesAdded: number;
  bytesRemoved: number;
  /** Files and bytes of the table after the restore. */
  filesAfter: number;
  bytesAfter: number;
  metadataRestored: boolean;
}

/** Table properties that belong to the table's clock, not to the version restored. */
const ICT_PROPERTIES = ['delta.enableInCommitTimestamps', 'delta.inCommitTimestampEnablementVersion', 'delta.inCommitTimestampEnablementTimestamp'];

/**
 * RESTORE TABLE ... TO VERSION AS OF / TIMESTAMP AS OF, as Spark's RestoreTableCommand does it:
 * one commit that removes the files added since the version and adds back the files removed since
 * (all with dataChange=true), and brings back that version's metadata. The protocol is never
 * downgraded: features of the old version the table lacks are added, current ones are kept.
 * Refused before anything is written when a file the version needs was deleted (by VACUUM).
 */
export async function restoreTable(location: TableLocation, target: RestoreTarget, options: RestoreOptions = {}): Promise<RestoreResult> {
  const table = await openTable(location);
  const tx = await Transaction.start(table);
  const latest = tx.snapshot as Snapshot;
  const old = await table.snapshot('version' in target ? { version: target.version } : { timestamp: target.timestamp.getTime() });
  if (old.version > latest.version) {
    throw new DeltaError('DELTA_VERSION_NOT_FOUND', `Cannot restore to version ${old.version}: the latest version is ${latest.version}.`);
  }
  const root = table.store.root;
  const keyOf = (file: AddFile): string => fileActionKey(file.path, file.deletionVector, root);
  const latestKeys = new Set(latest.files().map(keyOf));
  const oldKeys = new Set(old.files().map(keyOf));
  const toAdd = old.files().filter((file) => !latestKeys.has(keyOf(file)));
  const toRemove = latest.files().filter((file) => !oldKeys.has(keyOf(file)));
  await assertFilesExist(table.store, toAdd, old.version, options);

  tx.readPredicate(undefined);
  tx.readFiles(latest.files());
  const now = Date.now();
  tx.add(
    ...toRemove.map((file) => removeActionOf(file, now, true)),
    ...toAdd.map((file) => ({ add: { ...file, dataChange: true } })),
  );
  const metadata = restoredMetadata(old.metadata, latest.metadata);
  const metadataRestored = JSON.stringify(metadata) !== JSON.stringify(latest.metadata);
  if (metadataRestored) tx.updateMetadata(metadata);
  const protocol = upgradeProtocol(latest.protocol, protocolFeatures(old.protocol));
  if (protocol !== latest.protocol) tx.updateProtocol(protocol);

  const sum = (files: readonly AddFile[]): number => files.reduce((n, f) => n + f.size, 0);
  const bytesAdded = sum(toAdd);
  const bytesRemoved = sum(toRemove);
  const bytesAfter = sum(old.files());
  const { version } = await tx.commit({
    operation: 'RESTORE',
    parameters: 'version' in target ? { version: target.version } : { timestamp: target.timestamp.toISOString(), version: old.version },
    metrics: {
      numRestoredFiles: toAdd.length,
      numRemovedFiles: toRemove.length,
      restoredFilesSize: bytesAdded,
      removedFilesSize: bytesRemoved,
      numOfFilesAfterRestore: old.fileCount,
      tableSizeAfterRestore: bytesAfter,
    },
  }, options.signal ? { signal: options.signal } : {});
  return {
    version, restoredVersion: old.version, filesAdded: toAdd.length, filesRemoved: toRemove.length,
    bytesAdded, bytesRemoved, filesAfter: old.fileCount, bytesAfter, metadataRestored,
  };
}

/** The old version's metadata, keeping the current in-commit-timestamp settings (the table's clock cannot go back). */
function restoredMetadata(old: Metadata, latest: Metadata): Metadata {
  const configuration = Object.fromEntries(Object.entries(old.configuration ?? {}).filter(([key]) => !ICT_PROPERTIES.includes(key)));
  for (const key of ICT_PROPERTIES) {
    const value = latest.configuration?.[key];
    if (value !== undefined) configuration[key] = value;
  }
  return { ...old, configuration };
}

/** Every data file and deletion vector file to add back must still exist; else name one that is missing. */
async function assertFilesExist(
  store: Snapshot['store'], files: readonly AddFile[], version: number, options: RestoreOptions,
): Promise<void> {
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(resolveDataFilePath(file.path, store.root));
    const dv = file.deletionVector;
    if (dv && dv.storageType !== 'i') {
      const location = resolveDeletionVectorLocation(store, dv);
      if (location.store === store) paths.add(location.path);
    }
  }
  const list = [...paths];
  let checked = 0;
  const missing = (await mapLimit(list, 16, async (path) => {
    options.signal?.throwIfAborted();
    const found = await store.head(path);
    options.onProgress?.(++checked, list.length, 'checking files to restore');
    return found ? [] : [path];
  })).flat();
  if (missing.length > 0) {
    throw new DeltaError('DELTA_FILE_NOT_FOUND',
      `Cannot restore version ${version}: ${missing.length} of the ${list.length} files it needs back no longer exist, e.g. ${missing[0]} `
      + '(VACUUM probably deleted them). Restore a newer version whose files are still there; the table was left unchanged.');
  }
}
