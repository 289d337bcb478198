import { Data, DataType, RecordBatch, Struct, Type, makeData } from 'apache-arrow';
import { buildValidity, isValidAt } from './bitmap';

/**
 * Copies the rows at `indices` (ascending or not) of any Arrow data into new, offset-free data.
 * apache-arrow has no take/filter kernel, and rebuilding through get()/builders would lose
 * int64, decimal and microsecond precision, so this works on the buffers.
 */
export function takeData(data: Data, indices: ArrayLike<number>): Data {
  const length = indices.length;
  const { bitmap, nullCount } = buildValidity(length, (row) => isValidAt(data, indices[row] as number));
  const type = data.type as DataType;
  const validity = bitmap ?? new Uint8Array(0);
  switch (type.typeId) {
    case Type.Null:
      return new Data(type, 0, length, length);
    case Type.Bool: {
      const out = new Uint8Array(Math.ceil(length / 8));
      const values = data.values as Uint8Array;
      for (let row = 0; row < length; row++) {
        const bit = data.offset + (indices[row] as number);
        if ((values[bit >> 3] as number) & (1 << (bit & 7))) out[row >> 3] = (out[row >> 3] as number) | (1 << (row & 7));
      }
      return new Data(type, 0, length, nullCount, [undefined, out, validity]);
    }
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return takeVariableWidth(data, indices, validity, nullCount);
    case Type.List:
    case Type.Map:
      return takeNested(data, indices, validity, nullCount);
    case Type.Struct: {
      const children = data.children.map((child) => takeData(child, indices));
      return new Data(type, 0, length, nullCount, [undefined, undefined, validity], children);
    }
    default:
      return takeFixedWidth(data, indices, validity, nullCount);
  }
}

function takeFixedWidth(data: Data, indices: ArrayLike<number>, validity: Uint8Array, nullCount: number): Data {
  const stride = data.stride;
  const source = data.values as unknown as { length: number; constructor: new (n: number) => WritableArray };
  const values = source as unknown as WritableArray;
  const out = new source.constructor(indices.length * stride);
  for (let row = 0; row < indices.length; row++) {
    const from = (data.offset + (indices[row] as number)) * stride;
    for (let k = 0; k < stride; k++) out[row * stride + k] = values[from + k] as never;
  }
  return new Data(data.type, 0, indices.length, nullCount, [undefined, out as never, validity]);
}

interface WritableArray { [index: number]: number | bigint; length: number }

function takeVariableWidth(data: Data, indices: ArrayLike<number>, validity: Uint8Array, nullCount: number): Data {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const large = offsets instanceof BigInt64Array;
  const bytes = data.values as Uint8Array;
  let total = 0;
  for (let row = 0; row < indices.length; row++) {
    const i = data.offset + (indices[row] as number);
    total += Number(offsets[i + 1]) - Number(offsets[i]);
  }
  const outBytes = new Uint8Array(total);
  const outOffsets = large ? new BigInt64Array(indices.length + 1) : new Int32Array(indices.length + 1);
  let position = 0;
  for (let row = 0; row < indices.length; row++) {
    const i = data.offset + (indices[row] as number);
    const start = Number(offsets[i]);
    const end = Number(offsets[i + 1]);
    outBytes.set(bytes.subarray(start, end), position);
    position += end - start;
    outOffsets[row + 1] = large ? BigInt(position) : position as never;
  }
  return new Data(data.type, 0, indices.length, nullCount, [outOffsets as never, outBytes as never, validity]);
}

function takeNested(data: Data, indices: ArrayLike<number>, validity: Uint8Array, nullCount: number): Data {
  const offsets = data.valueOffsets as Int32Array;
  const childIndices: number[] = [];
  const outOffsets = new Int32Array(indices.length + 1);
  for (let row = 0; row < indices.length; row++) {
    const i = data.offset + (indices[row] as number);
    for (let c = offsets[i] as number; c < (offsets[i + 1] as number); c++) childIndices.push(c);
    outOffsets[row + 1] = childIndices.length;
  }
  const child = takeData(data.children[0] as Data, childIndices);
  return new Data(data.type, 0, indices.length, nullCount, [outOffsets as never, undefined, validity], [child]);
}

/** Keeps the rows whose mask byte is 1. Returns the same batch when every row is kept. */
export function filterBatch(batch: RecordBatch, mask: Uint8Array): RecordBatch {
  const indices: number[] = [];
  for (let row = 0; row < batch.numRows; row++) if (mask[row]) indices.push(row);
  if (indices.length === batch.numRows) return batch;
  const children = batch.data.children.map((child) => takeData(child, indices));
  const struct = makeData({ type: new Struct(batch.schema.fields), length: indices.length, nullCount: 0, children });
  return new RecordBatch(batch.schema, struct);
}
