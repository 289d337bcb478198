import { BufferType, Data, type DataType } from 'apache-arrow';
import { rememberDecodedStorage, type DecodedStorage } from '../dictionaryRows';
import type { LeafConversion } from './leafArrowType';
import { BooleanColumn, ByteArrayColumn, FixedWidthColumn, widenDecimal, type DictionaryValues, type PhysicalColumn } from './physicalColumn';
import { FRESH_BUFFERS, type ColumnBuffers } from './recycledBuffers';
import { countSetBits, sliceBits } from './validityBits';

/** A decoded column: its physical values over every selected row, and validity when it has nulls. */
export interface DecodedColumn {
  type: DataType;
  conversion: LeafConversion;
  values: PhysicalColumn;
  /** One bit per row, or null when no row is null. */
  validity: Uint8Array | null;
  /** How its chunk stored the rows, when a rewrite can use it (see DecodedStorage). */
  storage?: DecodedStorage;
}

/**
 * Arrow Data for rows [from, to) of a decoded column, every buffer starting at offset 0; rebased
 * offsets of byte arrays in buffers from `buffers` (given back with the columns' when recycled).
 */
export function columnData(column: DecodedColumn, from: number, to: number, buffers: ColumnBuffers = FRESH_BUFFERS): Data {
  const length = to - from;
  const nullBitmap = column.validity === null ? undefined : sliceBits(column.validity, from, length);
  const nullCount = nullBitmap === undefined ? 0 : length - countSetBits(nullBitmap, length);
  const values = column.values;
  let data: ArrayBufferView;
  let valueOffsets: Int32Array | undefined;
  if (values instanceof BooleanColumn) data = sliceBits(values.bits, from, length);
  else if (values instanceof ByteArrayColumn) {
    if (column.conversion === 'decimalFromBytes') data = decimalsFromByteArrays(values, from, to);
    else {
      const start = values.offsets[from] ?? 0;
      const offsets = values.offsets.subarray(from, to + 1);
      valueOffsets = start === 0 ? offsets : rebased(offsets, start, buffers);
      data = values.data.subarray(start, values.offsets[to] ?? 0);
    }
  } else if (values instanceof FixedWidthColumn) {
    const width = values.width;
    data = converted(column.conversion, values.bytes.subarray(from * width, to * width), length);
  } else throw new Error('unknown physical column');
  const result = new Data(column.type, 0, length, nullCount, {
    [BufferType.OFFSET]: valueOffsets,
    [BufferType.DATA]: asArrayType(column.type, data),
    [BufferType.VALIDITY]: nullBitmap,
  });
  const storage = column.storage;
  if (storage) rememberDecodedStorage(result, storage === 'overflowed' ? storage : { dictionary: storage.dictionary, indices: storage.indices.subarray(from, to) });
  return result;
}

/**
 * The entries of a column's dictionary as Arrow Data of its type (converted as its values are),
 * or undefined for a conversion done while decoding (decimals from byte arrays).
 */
export function dictionaryData(type: DataType, conversion: LeafConversion, entries: DictionaryValues): Data | undefined {
  if (conversion === 'decimalFromBytes') return undefined;
  const { count, bytes, offsets } = entries;
  const data = offsets ? bytes : converted(conversion, bytes, count);
  return new Data(type, 0, count, 0, { [BufferType.OFFSET]: offsets, [BufferType.DATA]: asArrayType(type, data) });
}

/**
 * Offsets shifted down by `start` (a loop: TypedArray.map is several times slower), in a buffer
 * from `buffers`: fresh memory per batch (~8 MiB per row group of the writer bench's two string
 * columns) drove the full GCs of the Parquet worker and of the thread it moved to.
 */
function rebased(offsets: Int32Array, start: number, buffers: ColumnBuffers): Int32Array {
  const out = new Int32Array(buffers.bytes(offsets.length * 4, false).buffer, 0, offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = (offsets[i] as number) - start;
  return out;
}

/** The bytes of `view` as the typed array the Arrow type keeps its values in (BigInt64Array, Uint32Array...). */
function asArrayType(type: DataType, view: ArrayBufferView): DataType['TArray'] {
  const ArrayType = type.ArrayType as { new (buffer: ArrayBufferLike, byteOffset: number, length: number): DataType['TArray']; BYTES_PER_ELEMENT: number };
  return new ArrayType(view.buffer, view.byteOffset, view.byteLength / ArrayType.BYTES_PER_ELEMENT);
}

function converted(conversion: LeafConversion, raw: Uint8Array, length: number): ArrayBufferView {
  switch (conversion) {
    case 'none':
      return raw;
    case 'int8':
      return Int8Array.from(int32s(raw));
    case 'uint8':
      return Uint8Array.from(int32s(raw));
    case 'int16':
      return Int16Array.from(int32s(raw));
    case 'uint16':
      return Uint16Array.from(int32s(raw));
    case 'int96':
      return timestampsFromInt96(raw, length);
    case 'decimalFromBytes':
      throw new Error('FIXED_LEN_BYTE_ARRAY decimals are widened while decoding');
  }
}

function int32s(raw: Uint8Array): Int32Array {
  return new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

const NANOS_PER_DAY = 86_400_000_000_000n;
const JULIAN_DAY_OF_EPOCH = 2_440_588n;

/**
 * INT96 (nanoseconds of the day, then the Julian day as an unsigned 32-bit number) to nanoseconds
 * since the epoch, wrapping at 64 bits as arrow-rs' `Int96::to_nanos` does.
 */
function timestampsFromInt96(raw: Uint8Array, length: number): BigInt64Array {
  const out = new BigInt64Array(length);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < length; i++) {
    const nanos = view.getBigInt64(i * 12, true);
    const day = BigInt(view.getUint32(i * 12 + 8, true));
    out[i] = BigInt.asIntN(64, (day - JULIAN_DAY_OF_EPOCH) * NANOS_PER_DAY + nanos);
  }
  return out;
}

function decimalsFromByteArrays(values: ByteArrayColumn, from: number, to: number): Int32Array {
  const out = new Int32Array((to - from) * 4);
  for (let row = from; row < to; row++) {
    const start = values.offsets[row] ?? 0;
    const size = (values.offsets[row + 1] ?? 0) - start;
    if (size > 16) throw new Error(`a decimal of ${size} bytes in a Decimal128 column`);
    widenDecimal(values.data, start, size, out, (row - from) * 4);
  }
  return out;
}
