import {
  Int32, Int64, List, makeBuilder, makeData, Map_, RecordBatch, Struct, Table, tableToIPC, type DataType,
} from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';
import type { Action } from '../actions';
import { DeltaError } from '../errors';
import { isRecord } from '../schema';
import { CHECKPOINT_COLUMNS, checkpointSchema, type CheckpointColumn } from './checkpointSchema';

/** Encodes actions as checkpoint Parquet with these action columns (every row sets one of them). */
export function encodeCheckpoint(actions: readonly Action[], columns: readonly CheckpointColumn[]): Uint8Array {
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
