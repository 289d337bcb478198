import type { ObjectStore } from '../../storage/objectStore';
import type { Sidecar } from '../actions';
import { LAST_CHECKPOINT } from '../logFiles';
import { isRecord } from '../schema';

/**
 * The content of `_delta_log/_last_checkpoint` ("Last Checkpoint File Schema" in PROTOCOL.md).
 * v2Checkpoint is the optional pointer Spark writes for UUID-named checkpoints, so a reader can skip
 * listing: the file name, its size and time, and the sidecars it references.
 */
export interface LastCheckpoint {
  version: number;
  /** Actions in the checkpoint, sidecars included. */
  size: number;
  /** Bytes of the checkpoint, sidecars included. */
  sizeInBytes: number;
  numOfAddFiles: number;
  v2Checkpoint?: { path: string; sizeInBytes: number; modificationTime: number; sidecarFiles: Sidecar[] };
}

/** Points `_last_checkpoint` at this checkpoint unless a newer one is already recorded. */
export async function recordLastCheckpoint(store: ObjectStore, last: LastCheckpoint): Promise<void> {
  const recorded = await readLastCheckpointVersion(store);
  if (recorded !== undefined && recorded >= last.version) return;
  await store.put(LAST_CHECKPOINT, new TextEncoder().encode(JSON.stringify(last)));
}

async function readLastCheckpointVersion(store: ObjectStore): Promise<number | undefined> {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(await store.get(LAST_CHECKPOINT)));
    return isRecord(parsed) && typeof parsed.version === 'number' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}
