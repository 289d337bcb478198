import type { ObjectStore } from '../../storage/objectStore';
import type { Action } from '../actions';
import { classicCheckpointPath } from '../logFiles';
import { replayLog, type TableState } from '../logReplay';
import { buildLogSegment } from '../logSegment';
import { hasFeature } from '../tableFeatures';
import { encodeCheckpoint } from './encodeCheckpoint';
import { recordLastCheckpoint, type LastCheckpoint } from './lastCheckpoint';
import { DAY_MS, retentionMs } from './retentionInterval';
import { DEFAULT_SIDECAR_ACTIONS, writeV2Checkpoint } from './v2Checkpoint';

export interface CheckpointInfo {
  version: number;
  /** Actions (rows) in the checkpoint, sidecars included. */
  size: number;
  sizeInBytes: number;
  numOfAddFiles: number;
  /** classic: `<v>.checkpoint.parquet` (V1 spec); v2: UUID-named V2 spec checkpoint. */
  kind: 'classic' | 'v2';
  /** The checkpoint file, relative to the table root. */
  path: string;
  /** Sidecar files the V2 checkpoint references (0 when its file actions are inline). */
  sidecars: number;
}

export interface CheckpointOptions {
  /** V2 checkpoints with more add/remove actions than this put them in sidecar files of this many. */
  sidecarActions?: number;
}

const DEFAULT_TOMBSTONE_RETENTION_MS = 7 * DAY_MS;

/**
 * Writes a checkpoint holding the table state at `version`, then points `_last_checkpoint` at it
 * unless a newer checkpoint is already recorded. Tables with the v2Checkpoint feature get a
 * UUID-named V2 checkpoint (unless delta.checkpointPolicy=classic), others the classic
 * `<version>.checkpoint.parquet`. A checkpoint only speeds up reading: a reader that finds none, or a
 * partial temp file, replays commits instead.
 */
export async function writeCheckpoint(
  store: ObjectStore,
  version: number,
  now = Date.now(),
  options: CheckpointOptions = {},
): Promise<CheckpointInfo> {
  const segment = await buildLogSegment(store, version);
  const state = await replayLog(store, segment, store.root);
  const actions = checkpointActions(state, now);
  if (usesV2Checkpoints(state)) {
    const { path, ...last } = await writeV2Checkpoint(store, version, actions, options.sidecarActions ?? DEFAULT_SIDECAR_ACTIONS);
    await recordLastCheckpoint(store, last);
    return { ...summary(last), kind: 'v2', path, sidecars: last.v2Checkpoint?.sidecarFiles.length ?? 0 };
  }
  const bytes = encodeCheckpoint(actions, ['txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata']);
  const path = classicCheckpointPath(version);
  await store.put(path, bytes);
  const last: LastCheckpoint = { version, size: actions.length, sizeInBytes: bytes.length, numOfAddFiles: state.files.size };
  await recordLastCheckpoint(store, last);
  return { ...summary(last), kind: 'classic', path, sidecars: 0 };
}

function usesV2Checkpoints(state: TableState): boolean {
  return hasFeature(state.protocol, 'v2Checkpoint') && state.metadata.configuration?.['delta.checkpointPolicy'] !== 'classic';
}

function summary(last: LastCheckpoint): Pick<CheckpointInfo, 'version' | 'size' | 'sizeInBytes' | 'numOfAddFiles'> {
  return { version: last.version, size: last.size, sizeInBytes: last.sizeInBytes, numOfAddFiles: last.numOfAddFiles };
}

/**
 * The actions of a checkpoint ("Checkpoints" in PROTOCOL.md): protocol, metadata, every txn and
 * domain, active files, and the tombstones VACUUM still needs (removed within
 * delta.deletedFileRetentionDuration). File actions carry dataChange=false: a checkpoint
 * changes no data. A V2 checkpoint adds its checkpointMetadata itself.
 */
export function checkpointActions(state: TableState, now: number): Action[] {
  const actions: Action[] = [{ protocol: state.protocol }, { metaData: state.metadata }];
  for (const txn of state.txns.values()) actions.push({ txn });
  for (const domainMetadata of state.domains.values()) actions.push({ domainMetadata });
  for (const add of state.files.values()) actions.push({ add: { ...add, dataChange: false } });
  const retention = retentionMs(state.metadata.configuration ?? {}, 'delta.deletedFileRetentionDuration', DEFAULT_TOMBSTONE_RETENTION_MS);
  for (const remove of state.tombstones.values()) {
    if ((remove.deletionTimestamp ?? 0) > now - retention) actions.push({ remove: { ...remove, dataChange: false } });
  }
  return actions;
}
