import { Data, type DataType, type Field } from 'apache-arrow';

/**
 * An Arrow Data tree as plain typed arrays, which postMessage clones without copying when their
 * buffers are in the transfer list: a batch crosses threads as its own buffers, with no IPC
 * serialisation on one side and no parsing on the other. The receiver supplies the types (it knows
 * the schema). Dictionaries, unions and view types are not carried.
 */
export interface DataParts {
  offset: number;
  length: number;
  nullCount: number;
  valueOffsets: Int32Array | BigInt64Array | undefined;
  values: ArrayBufferView | undefined;
  nullBitmap: Uint8Array | undefined;
  children: DataParts[];
}

/** `data` as DataParts; every buffer it uses is added to `transfer` (the data must not be used here afterwards). */
export function toDataParts(data: Data, transfer: Set<ArrayBuffer>): DataParts {
  const valueOffsets = data.valueOffsets as Int32Array | BigInt64Array | undefined;
  const values = data.values as ArrayBufferView | undefined;
  const nullBitmap = data.nullBitmap as Uint8Array | undefined;
  for (const buffer of [valueOffsets, values, nullBitmap]) {
    if (buffer && buffer.buffer instanceof ArrayBuffer && buffer.byteLength > 0) transfer.add(buffer.buffer);
  }
  return {
    offset: data.offset, length: data.length, nullCount: data.nullCount, valueOffsets, values, nullBitmap,
    children: data.children.map((child) => toDataParts(child, transfer)),
  };
}

/** The Data of `type` that `parts` (from toDataParts) describes. */
export function fromDataParts(type: DataType, parts: DataParts): Data {
  const children = parts.children.map((child, i) => fromDataParts((type.children[i] as Field).type as DataType, child));
  const buffers = [parts.valueOffsets, parts.values, parts.nullBitmap] as never;
  return new Data(type, parts.offset, parts.length, parts.nullCount, buffers, children);
}
