import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../../storage/objectStore';
import type { Action, Sidecar } from '../actions';
import { LOG_DIR, padVersion, SIDECAR_DIR } from '../logFiles';
import { encodeCheckpoint } from './encodeCheckpoint';
import type { LastCheckpoint } from './lastCheckpoint';

/** File actions per sidecar file; a checkpoint with no more than this many keeps them inline. */
export const DEFAULT_SIDECAR_ACTIONS = 50_000;

/**
 * Writes a UUID-named V2 spec checkpoint `<version>.checkpoint.<uuid>.parquet` ("V2 Spec" in
 * PROTOCOL.md): one checkpointMetadata action and every non-file action in the top-level file; the
 * add and remove actions either all inline or, past `sidecarActions` of them, all in Parquet
 * sidecars under `_delta_log/_sidecars/` that the top-level file references. Sidecars are written
 * first, so a published checkpoint never points at a missing one; the unique names mean a crashed or
 * racing writer can never clobber a checkpoint someone reads. Returns what `_last_checkpoint` records.
 */
export async function writeV2Checkpoint(
  store: ObjectStore,
  version: number,
  actions: readonly Action[],
  sidecarActions = DEFAULT_SIDECAR_ACTIONS,
): Promise<LastCheckpoint & { path: string }> {
  const fileActions = actions.filter((a) => a.add || a.remove);
  const otherActions = actions.filter((a) => !a.add && !a.remove);
  const numOfAddFiles = fileActions.filter((a) => a.add).length;
  const sidecars: Sidecar[] = [];
  if (fileActions.length > sidecarActions) {
    for (let start = 0; start < fileActions.length; start += sidecarActions) {
      sidecars.push(await writeSidecar(store, fileActions.slice(start, start + sidecarActions)));
    }
  }
  const sidecarBytes = sidecars.reduce((sum, s) => sum + s.sizeInBytes, 0);
  const tags: Record<string, string> = { numOfAddFiles: String(numOfAddFiles) };
  if (sidecars.length > 0) {
    tags.sidecarNumActions = String(fileActions.length);
    tags.sidecarSizeInBytes = String(sidecarBytes);
  }
  const top: Action[] = [
    { checkpointMetadata: { version, tags } },
    ...otherActions,
    ...(sidecars.length > 0 ? sidecars.map((sidecar) => ({ sidecar })) : fileActions),
  ];
  const bytes = encodeCheckpoint(top, [
    'checkpointMetadata', 'txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata', ...(sidecars.length > 0 ? ['sidecar' as const] : []),
  ]);
  const name = `${padVersion(version)}.checkpoint.${randomUUID()}.parquet`;
  const path = `${LOG_DIR}${name}`;
  await store.put(path, bytes);
  const written = await store.head(path);
  return {
    path,
    version,
    size: otherActions.length + 1 + fileActions.length,
    sizeInBytes: bytes.length + sidecarBytes,
    numOfAddFiles,
    v2Checkpoint: { path: name, sizeInBytes: bytes.length, modificationTime: written?.modifiedMs ?? Date.now(), sidecarFiles: sidecars },
  };
}

async function writeSidecar(store: ObjectStore, fileActions: readonly Action[]): Promise<Sidecar> {
  const name = `${randomUUID()}.parquet`;
  const bytes = encodeCheckpoint(fileActions, ['add', 'remove']);
  await store.put(`${SIDECAR_DIR}${name}`, bytes);
  const written = await store.head(`${SIDECAR_DIR}${name}`);
  // Sidecars always live in _delta_log/_sidecars/, so the bare file name is the path the protocol prefers.
  return { path: name, sizeInBytes: bytes.length, modificationTime: written?.modifiedMs ?? Date.now() };
}
