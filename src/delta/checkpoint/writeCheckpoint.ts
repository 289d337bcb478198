import {
  Int32, Int64, List, makeBuilder, makeData, Map_, RecordBatch, Struct, Table, tableToIPC, type DataType,
} from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';
import type { ObjectStore } from '../../storage/objectStore';
import type { Action } from '../actions';
import { DeltaError } from '../errors';
import { classicCheckpointPath, LAST_CHECKPOINT } from '../logFiles';
import { replayLog, type TableState } from '../logReplay';
import { buildLogSegment } from '../logSegment';
import { isRecord } from '../schema';
import { hasFeature } from '../tableFeatures';
import { CHECKPOINT_COLUMNS, checkpointSchema, type CheckpointColumn } from './checkpointSchema';
import { DAY_MS, retentionMs } from './retentionInterval';

export interface CheckpointInfo {
  version: number;
  /** Actions (rows) in the checkpoint. */
  size: number;
  sizeInBytes: number;
  numOfAddFiles: number;
}

const DEFAULT_TOMBSTONE_RETENTION_MS = 7 * DAY_MS;

/**
 * Writes the classic checkpoint `<version>.checkpoint.parquet` holding the table state at `version`,
 * then points `_last_checkpoint` at it unless a newer checkpoint is already recorded. A checkpoint
 * only speeds up reading: a reader that finds none, or a partial temp file, replays commits instead.
 */
export async function writeCheckpoint(store: ObjectStore, version: number, now = Date.now()): Promise<CheckpointInfo> {
  const segment = await buildLogSegment(store, version);
  const state = await replayLog(store, segment, store.root);
  const actions = checkpointActions(state, version, now);
  const columns: CheckpointColumn[] = ['txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata'];
  if (actions.some((a) => a.checkpointMetadata)) columns.push('checkpointMetadata');
  const bytes = encodeCheckpoint(actions, columns);
  await store.put(classicCheckpointPath(version), bytes);
  const info: CheckpointInfo = { version, size: actions.length, sizeInBytes: bytes.length, numOfAddFiles: state.files.size };
  const recorded = await readLastCheckpointVersion(store);
  if (recorded === undefined || recorded < version) {
    await store.put(LAST_CHECKPOINT, new TextEncoder().encode(JSON.stringify(info)));
  }
  return info;
}

/**
 * The actions of a checkpoint ("Checkpoints" in PROTOCOL.md): protocol, metadata, every txn and
 * domain, active files, and the tombstones VACUUM still needs (removed within
 * delta.deletedFileRetentionDuration). File actions carry dataChange=false: a checkpoint
 * changes no data. Tables with v2Checkpoint get the checkpointMetadata a V2 reader requires.
 */
export function checkpointActions(state: TableState, version: number, now: number): Action[] {
  const actions: Action[] = [{ protocol: state.protocol }, { metaData: state.metadata }];
  for (const txn of state.txns.values()) actions.push({ txn });
  for (const domainMetadata of state.domains.values()) actions.push({ domainMetadata });
  if (hasFeature(state.protocol, 'v2Checkpoint')) actions.push({ checkpointMetadata: { version } });
  for (const add of state.files.values()) actions.push({ add: { ...add, dataChange: false } });
  const retention = retentionMs(state.metadata.configuration ?? {}, 'delta.deletedFileRetentionDuration', DEFAULT_TOMBSTONE_RETENTION_MS);
  for (const remove of state.tombstones.values()) {
    if ((remove.deletionTimestamp ?? 0) > now - retention) actions.push({ remove: { ...remove, dataChange: false } });
  }
  return actions;
}

function encodeCheckpoint(actions: readonly Action[], columns: readonly CheckpointColumn[]): Uint8Array {
  const schema = checkpointSchema(columns);
  const children = columns.map((name) => {
    const type = CHECKPOINT_COLUMNS[name];
    const builder = makeBuilder({ type, nullValues: [null, undefined] });
    // The builder's row type is a proxy class; plain objects of the same shape are what it consumes.
    const append = builder.append.bind(builder) as (value: unknown) => void;
    for (const action of actions) append(toArrowValue(action[name], type));
    return builder.finish().toVector().data[0];
  });
  if (children.some((c) => c === undefined)) throw new DeltaError('DELTA_IO_ERROR', 'Building the checkpoint produced an empty column.');
  const batch = new RecordBatch(schema, makeData({
    type: new Struct(schema.fields), length: actions.length, nullCount: 0, children: children as NonNullable<(typeof children)[number]>[],
  }));
  const properties = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(new Table([batch]), 'stream')), properties);
}

/** A JSON action value in the form the Arrow builder of `type` takes (bigint for longs, Map for maps). */
function toArrowValue(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  if (type instanceof Int64) return typeof value === 'bigint' ? value : BigInt(value as number);
  if (type instanceof Int32) return Number(value);
  if (type instanceof Map_) return isRecord(value) ? new Map(Object.entries(value)) : null;
  if (type instanceof List) {
    const element = type.children[0]?.type as DataType;
    return Array.isArray(value) ? value.map((v) => toArrowValue(v, element)) : null;
  }
  if (type instanceof Struct) {
    if (!isRecord(value)) return null;
    const out: Record<string, unknown> = {};
    for (const field of type.children) out[field.name] = toArrowValue(value[field.name], field.type as DataType);
    return out;
  }
  return value;
}

async function readLastCheckpointVersion(store: ObjectStore): Promise<number | undefined> {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(await store.get(LAST_CHECKPOINT)));
    return isRecord(parsed) && typeof parsed.version === 'number' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}
