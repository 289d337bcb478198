import { Data, DataType, RecordBatch, Struct, Type, makeData } from 'apache-arrow';

/**
 * Row selections as runs of consecutive rows. A DELETE or MERGE keeps long runs of neighbours, so
 * each run is copied with one `TypedArray.set` instead of row by row; a shuffle (Z-order) is just
 * many runs of one row.
 */
interface Runs {
  starts: Int32Array;
  lengths: Int32Array;
  count: number;
  /** Rows in all runs. */
  rows: number;
}

/**
 * Copies the rows at `indices` (ascending or not) of any Arrow data into new, offset-free data.
 * apache-arrow has no take/filter kernel, and rebuilding through get()/builders would lose
 * int64, decimal and microsecond precision, so this works on the buffers.
 */
export function takeData(data: Data, indices: ArrayLike<number>): Data {
  return takeRuns(data, runsOfIndices(indices));
}

/** Keeps the rows whose mask byte is 1. Returns the same batch when every row is kept. */
export function filterBatch(batch: RecordBatch, mask: Uint8Array): RecordBatch {
  const runs = runsOfMask(mask, batch.numRows);
  if (runs.rows === batch.numRows) return batch;
  return batchOfRuns(batch, runs);
}

/** Every row of `batch` in buffers of its own (where filterBatch of every row returns `batch` itself). */
export function copyBatch(batch: RecordBatch): RecordBatch {
  return batchOfRuns(batch, runsOfMask(new Uint8Array(batch.numRows).fill(1), batch.numRows));
}

function batchOfRuns(batch: RecordBatch, runs: Runs): RecordBatch {
  const children = batch.data.children.map((child) => takeRuns(child, runs));
  const struct = makeData({ type: new Struct(batch.schema.fields), length: runs.rows, nullCount: 0, children });
  return new RecordBatch(batch.schema, struct);
}

function runsOfIndices(indices: ArrayLike<number>): Runs {
  const n = indices.length;
  const starts = new Int32Array(n);
  const lengths = new Int32Array(n);
  if (n === 0) return { starts, lengths, count: 0, rows: 0 };
  // The open run lives in locals: reading it back from the arrays per index cost more than the copy.
  let count = 0;
  let start = indices[0] as number;
  let next = start + 1;
  for (let k = 1; k < n; k++) {
    const row = indices[k] as number;
    if (row === next) {
      next++;
      continue;
    }
    starts[count] = start;
    lengths[count] = next - start;
    count++;
    start = row;
    next = row + 1;
  }
  starts[count] = start;
  lengths[count] = next - start;
  return { starts, lengths, count: count + 1, rows: n };
}

function runsOfMask(mask: Uint8Array, length: number): Runs {
  let count = 0;
  let rows = 0;
  for (let row = 0; row < length; row++) {
    if (mask[row]) {
      rows++;
      if (row === 0 || !mask[row - 1]) count++;
    }
  }
  const starts = new Int32Array(count);
  const lengths = new Int32Array(count);
  let run = -1;
  for (let row = 0; row < length; row++) {
    if (!mask[row]) continue;
    if (row === 0 || !mask[row - 1]) starts[++run] = row;
    lengths[run] = (lengths[run] as number) + 1;
  }
  return { starts, lengths, count, rows };
}

function takeRuns(data: Data, runs: Runs): Data {
  const length = runs.rows;
  const type = data.type as DataType;
  if (type.typeId === Type.Null) return new Data(type, 0, length, length);
  const { validity, nullCount } = takeValidity(data, runs);
  switch (type.typeId) {
    case Type.Bool:
      return new Data(type, 0, length, nullCount, [undefined, takeBits(data.values as Uint8Array, data.offset, runs), validity]);
    case Type.Utf8:
    case Type.Binary:
      return takeVariableWidth(data, runs, validity, nullCount);
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return takeLargeVariableWidth(data, runs, validity, nullCount);
    case Type.List:
    case Type.Map:
      return takeNested(data, runs, validity, nullCount);
    case Type.Struct: {
      const children = data.children.map((child) => takeRuns(child, runs));
      return new Data(type, 0, length, nullCount, [undefined, undefined, validity], children);
    }
    default:
      return takeFixedWidth(data, runs, validity, nullCount);
  }
}

/** The validity of the taken rows; none at all when the source has no nulls. */
function takeValidity(data: Data, runs: Runs): { validity: Uint8Array; nullCount: number } {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return { validity: new Uint8Array(0), nullCount: 0 };
  const validity = takeBits(bitmap, data.offset, runs);
  let valid = 0;
  for (let byte = 0; byte < validity.length; byte++) valid += popcount8(validity[byte] as number);
  const nullCount = runs.rows - valid;
  return nullCount === 0 ? { validity: new Uint8Array(0), nullCount } : { validity, nullCount };
}

function popcount8(byte: number): number {
  let v = byte - ((byte >> 1) & 0x55);
  v = (v & 0x33) + ((v >> 2) & 0x33);
  return (v + (v >> 4)) & 0x0f;
}

/** A bit-packed buffer (validity or booleans) of the taken rows. */
function takeBits(source: Uint8Array, offset: number, runs: Runs): Uint8Array {
  const out = new Uint8Array(Math.ceil(runs.rows / 8));
  let row = 0;
  for (let r = 0; r < runs.count; r++) {
    const end = offset + (runs.starts[r] as number) + (runs.lengths[r] as number);
    for (let bit = offset + (runs.starts[r] as number); bit < end; bit++, row++) {
      if ((source[bit >> 3] as number) & (1 << (bit & 7))) out[row >> 3] = (out[row >> 3] as number) | (1 << (row & 7));
    }
  }
  return out;
}

/** Short runs are copied element by element: a subarray per single row costs more than the copy. */
const SHORT_RUN = 16;
/** The same for the bytes of strings and binaries (a Z-order shuffle copies one short value per run). */
const SHORT_BYTES = 64;

function takeFixedWidth(data: Data, runs: Runs, validity: Uint8Array, nullCount: number): Data {
  const source = data.values as unknown as ArrayBufferView & { length: number; constructor: new (n: number) => ArrayBufferView };
  const width = source.byteLength / Math.max(1, source.length) * data.stride;
  const out = new source.constructor(runs.rows * data.stride);
  // Values are copied as 32-bit words when they are whole words (int64 as two: reading a
  // BigInt64Array element allocates a bigint), else as bytes: one loop over one array type each,
  // which V8 compiles to plain loads and stores (over the element types themselves the loop's
  // accesses were polymorphic, about 200 ns per row).
  if (width % 4 === 0 && source.byteOffset % 4 === 0) {
    copyRuns32(new Int32Array(source.buffer, source.byteOffset, source.byteLength / 4), new Int32Array(out.buffer), runs, width / 4);
  } else {
    copyRuns8(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), new Uint8Array(out.buffer), runs, width);
  }
  return new Data(data.type, 0, runs.rows, nullCount, [undefined, out as never, validity]);
}

/** copyRuns32 and copyRuns8 are one loop kept apart so each sees a single array type. */
function copyRuns32(values: Int32Array, target: Int32Array, runs: Runs, stride: number): void {
  let position = 0;
  for (let r = 0; r < runs.count; r++) {
    const from = (runs.starts[r] as number) * stride;
    const size = (runs.lengths[r] as number) * stride;
    if (size <= SHORT_RUN) {
      for (let k = 0; k < size; k++) target[position + k] = values[from + k] as number;
    } else {
      target.set(values.subarray(from, from + size), position);
    }
    position += size;
  }
}

function copyRuns8(values: Uint8Array, target: Uint8Array, runs: Runs, stride: number): void {
  let position = 0;
  for (let r = 0; r < runs.count; r++) {
    const from = (runs.starts[r] as number) * stride;
    const size = (runs.lengths[r] as number) * stride;
    if (size <= SHORT_RUN) {
      for (let k = 0; k < size; k++) target[position + k] = values[from + k] as number;
    } else {
      target.set(values.subarray(from, from + size), position);
    }
    position += size;
  }
}

function takeVariableWidth(data: Data, runs: Runs, validity: Uint8Array, nullCount: number): Data {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  let total = 0;
  for (let r = 0; r < runs.count; r++) {
    const first = runs.starts[r] as number;
    total += (offsets[first + (runs.lengths[r] as number)] as number) - (offsets[first] as number);
  }
  const outBytes = new Uint8Array(total);
  const outOffsets = new Int32Array(runs.rows + 1);
  let position = 0;
  let row = 0;
  for (let r = 0; r < runs.count; r++) {
    const first = runs.starts[r] as number;
    const last = first + (runs.lengths[r] as number);
    const start = offsets[first] as number;
    const end = offsets[last] as number;
    if (end - start <= SHORT_BYTES) {
      for (let b = start; b < end; b++) outBytes[position + b - start] = bytes[b] as number;
    } else {
      outBytes.set(bytes.subarray(start, end), position);
    }
    const shift = position - start;
    for (let i = first + 1; i <= last; i++) outOffsets[++row] = (offsets[i] as number) + shift;
    position += end - start;
  }
  return new Data(data.type, 0, runs.rows, nullCount, [outOffsets as never, outBytes as never, validity]);
}

function takeLargeVariableWidth(data: Data, runs: Runs, validity: Uint8Array, nullCount: number): Data {
  const offsets = data.valueOffsets as unknown as BigInt64Array;
  const bytes = data.values as Uint8Array;
  const pieces: Uint8Array[] = [];
  const outOffsets = new BigInt64Array(runs.rows + 1);
  let position = 0;
  let row = 0;
  for (let r = 0; r < runs.count; r++) {
    const first = runs.starts[r] as number;
    const last = first + (runs.lengths[r] as number);
    const start = Number(offsets[first]);
    pieces.push(bytes.subarray(start, Number(offsets[last])));
    for (let i = first + 1; i <= last; i++) outOffsets[++row] = BigInt(Number(offsets[i]) - start + position);
    position += Number(offsets[last]) - start;
  }
  const outBytes = new Uint8Array(position);
  let at = 0;
  for (const piece of pieces) {
    outBytes.set(piece, at);
    at += piece.length;
  }
  return new Data(data.type, 0, runs.rows, nullCount, [outOffsets as never, outBytes as never, validity]);
}

/** Lists and maps: a run of rows owns one contiguous run of child rows. */
function takeNested(data: Data, runs: Runs, validity: Uint8Array, nullCount: number): Data {
  const offsets = data.valueOffsets as Int32Array;
  const outOffsets = new Int32Array(runs.rows + 1);
  const childStarts = new Int32Array(runs.count);
  const childLengths = new Int32Array(runs.count);
  let childRows = 0;
  let row = 0;
  for (let r = 0; r < runs.count; r++) {
    const first = runs.starts[r] as number;
    const last = first + (runs.lengths[r] as number);
    const start = offsets[first] as number;
    childStarts[r] = start;
    childLengths[r] = (offsets[last] as number) - start;
    const shift = childRows - start;
    for (let i = first + 1; i <= last; i++) outOffsets[++row] = (offsets[i] as number) + shift;
    childRows += childLengths[r] as number;
  }
  const child = takeRuns(data.children[0] as Data, { starts: childStarts, lengths: childLengths, count: runs.count, rows: childRows });
  return new Data(data.type, 0, runs.rows, nullCount, [outOffsets as never, undefined, validity], [child]);
}
