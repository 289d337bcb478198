import type { Data, Table } from 'apache-arrow';
import type { ObjectStore } from '../storage/objectStore';
import { decodeParquet } from '../parquet/readParquet';
import { ParquetDecodeError } from '../parquet/parquetDecodeError';
import type { Action, Sidecar } from './actions';
import { plainReader, type PlainReader } from './arrowRows';
import { parseCommit } from './commitReader';
import { DeltaError } from './errors';
import { SIDECAR_DIR } from './logFiles';
import type { CheckpointFiles } from './logSegment';
import { isRecord } from './schema';

const ACTION_COLUMNS = [
  'protocol', 'metaData', 'add', 'remove', 'txn', 'domainMetadata', 'checkpointMetadata', 'sidecar',
] as const;

/**
 * Reads every action of a checkpoint: classic and multi-part Parquet checkpoints, and V2 checkpoints
 * (JSON or Parquet top-level file whose `sidecar` actions point at Parquet files in _sidecars/).
 */
export async function readCheckpoint(store: ObjectStore, checkpoint: CheckpointFiles): Promise<Action[]> {
  const actions: Action[] = [];
  for (const path of checkpoint.paths) {
    for (const action of await readCheckpointFile(store, path)) {
      if (action.sidecar) actions.push(...(await readSidecar(store, action.sidecar)));
      else actions.push(action);
    }
  }
  return actions;
}

/** The actions of one checkpoint file as stored: a V2 checkpoint's sidecar actions are not followed. */
export async function readCheckpointFile(store: ObjectStore, path: string): Promise<Action[]> {
  return path.endsWith('.json')
    ? parseCommit(new TextDecoder().decode(await getCheckpointFile(store, path)), path)
    : readParquetActions(store, path);
}

async function readSidecar(store: ObjectStore, sidecar: Sidecar): Promise<Action[]> {
  // Sidecar paths are relative to _delta_log/_sidecars/ unless absolute ("Sidecar File Information").
  const relative = decodeURIComponent(sidecar.path);
  const path = relative.includes('/') ? relative.replace(/^.*_delta_log\//, '_delta_log/') : `${SIDECAR_DIR}${relative}`;
  const actions = await readParquetActions(store, path);
  return actions.filter((a) => a.add || a.remove);
}

async function getCheckpointFile(store: ObjectStore, path: string): Promise<Uint8Array> {
  try {
    return await store.get(path);
  } catch (cause) {
    throw new DeltaError('DELTA_CHECKPOINT_PART_MISSING',
      `Checkpoint file ${path} cannot be read (${(cause as Error).message}). Restore it, or delete _delta_log/_last_checkpoint so readers fall back to an older checkpoint.`,
      { cause });
  }
}

async function readParquetActions(store: ObjectStore, path: string): Promise<Action[]> {
  const bytes = await getCheckpointFile(store, path);
  let table: Table;
  try {
    table = decodeParquet(bytes);
  } catch (error) {
    if (error instanceof ParquetDecodeError) {
      throw new DeltaError('DELTA_CORRUPT_CHECKPOINT', `Checkpoint ${path} is not a readable Parquet file: ${error.message}`);
    }
    throw error;
  }
  const present = ACTION_COLUMNS
    .map((name) => ({ name, index: table.schema.fields.findIndex((f) => f.name === name) }))
    .filter(({ index }) => index >= 0);
  const actions: Action[] = [];
  for (const batch of table.batches) {
    const readers: [string, PlainReader][] = present
      .filter(({ index }) => (batch.data.children[index] as Data).nullCount < batch.numRows)
      .map(({ name, index }) => [name, plainReader(batch.data.children[index] as Data)]);
    for (let row = 0; row < batch.numRows; row++) {
      for (const [name, read] of readers) {
        const value = read(row);
        if (isRecord(value)) actions.push({ [name]: normaliseCheckpointAction(name, value) } as Action);
      }
    }
  }
  return actions;
}

/** Required fields a checkpoint writer may have left null get the defaults commit JSON would have. */
function normaliseCheckpointAction(name: string, out: Record<string, unknown>): Record<string, unknown> {
  if (name === 'metaData') {
    out.partitionColumns ??= [];
    out.configuration ??= {};
    out.format ??= { provider: 'parquet' };
  }
  if (name === 'add') out.partitionValues ??= {};
  return out;
}
