import { Data, RecordBatch, Struct, Type, type DataType } from 'apache-arrow';

/*
 * Compaction copies the rows of thousands of small files into a few large ones. Handing each small
 * file's batch to the encoder alone costs a fixed amount per batch (an IPC copy, the encoder's
 * per-call work), far more than its hundred rows; one concatenated batch pays it once.
 */

/**
 * Whether `concatBatches` can join data of this type: the types a conformed Delta column has
 * (primitives, decimals, strings, binaries, structs, lists, maps). Anything else (dictionaries,
 * large offsets, views) is written batch by batch as it came.
 */
export function canConcat(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Null:
    case Type.Bool:
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Interval:
    case Type.Duration:
    case Type.FixedSizeBinary:
    case Type.Utf8:
    case Type.Binary:
      return true;
    case Type.Struct:
    case Type.List:
    case Type.Map:
      return type.children.every((field) => canConcat(field.type));
    default:
      return false;
  }
}

/** The rows of `batches` (one schema, every column `canConcat`) as one batch of offset-free buffers. */
export function concatBatches(batches: readonly RecordBatch[]): RecordBatch {
  const first = batches[0];
  if (!first) throw new RangeError('concatBatches needs at least one batch.');
  if (batches.length === 1) return first;
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  const children = first.schema.fields.map((_, c) => concatData(batches.map((b) => b.data.children[c] as Data)));
  return new RecordBatch(first.schema, new Data(new Struct(first.schema.fields), 0, length, 0, undefined, children));
}

function concatData(pieces: readonly Data[]): Data {
  const type = (pieces[0] as Data).type as DataType;
  const length = pieces.reduce((n, p) => n + p.length, 0);
  if (type.typeId === Type.Null) return new Data(type, 0, length, length);
  const { validity, nullCount } = concatValidity(pieces, length);
  switch (type.typeId) {
    case Type.Bool:
      return new Data(type, 0, length, nullCount, [undefined, concatBits(pieces, length, (p) => p.values as Uint8Array), validity]);
    case Type.Utf8:
    case Type.Binary:
      return concatVariableWidth(type, pieces, length, validity, nullCount);
    case Type.List:
    case Type.Map:
      return concatNested(type, pieces, length, validity, nullCount);
    case Type.Struct: {
      // A struct's children carry its offset already (Data.slice slices them): each is the piece's rows.
      const children = type.children.map((_, c) => concatData(pieces.map((p) => {
        const child = p.children[c] as Data;
        return child.length === p.length ? child : child.slice(0, p.length);
      })));
      return new Data(type, 0, length, nullCount, [undefined, undefined, validity], children);
    }
    default:
      return concatFixedWidth(type, pieces, length, validity, nullCount);
  }
}

/** The validity bitmap of the joined rows; none when no piece has a null. */
function concatValidity(pieces: readonly Data[], length: number): { validity: Uint8Array; nullCount: number } {
  const nullCount = pieces.reduce((n, p) => n + p.nullCount, 0);
  if (nullCount === 0) return { validity: new Uint8Array(0), nullCount };
  // A piece without a bitmap has no nulls: all its bits are set.
  const validity = concatBits(pieces, length, (p) => (p.nullCount > 0 ? p.nullBitmap : undefined));
  return { validity, nullCount };
}

/**
 * Bit-packed buffers (validity, booleans) of the pieces joined; a piece's bits start at its
 * offset (Arrow JS never slices bitmaps). `bitsOf` undefined means all ones.
 */
function concatBits(pieces: readonly Data[], length: number, bitsOf: (piece: Data) => Uint8Array | undefined): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / 8));
  let row = 0;
  for (const piece of pieces) {
    const bits = bitsOf(piece);
    const end = row + piece.length;
    if (!bits) {
      for (; row < end; row++) out[row >> 3] = (out[row >> 3] as number) | (1 << (row & 7));
      continue;
    }
    if ((row & 7) === 0 && (piece.offset & 7) === 0) {
      // Byte-aligned on both sides: whole bytes, then the tail bits.
      const bytes = piece.length >> 3;
      const from = piece.offset >> 3;
      out.set(bits.subarray(from, from + bytes), row >> 3);
      row += bytes * 8;
    }
    for (let bit = piece.offset + piece.length - (end - row); row < end; bit++, row++) {
      if ((bits[bit >> 3] as number) & (1 << (bit & 7))) out[row >> 3] = (out[row >> 3] as number) | (1 << (row & 7));
    }
  }
  return out;
}

interface TypedArrayLike {
  subarray(begin: number, end: number): TypedArrayLike;
  set(source: TypedArrayLike, offset: number): void;
}

/** Fixed-width values: Arrow JS slices these buffers, so a piece's values start at its first row. */
function concatFixedWidth(type: DataType, pieces: readonly Data[], length: number, validity: Uint8Array, nullCount: number): Data {
  const first = pieces[0] as Data;
  const stride = first.stride;
  const ArrayType = (first.values as object).constructor as new (n: number) => TypedArrayLike;
  const out = new ArrayType(length * stride);
  let at = 0;
  for (const piece of pieces) {
    const size = piece.length * stride;
    out.set((piece.values as unknown as TypedArrayLike).subarray(0, size), at);
    at += size;
  }
  return new Data(type, 0, length, nullCount, [undefined, out as never, validity]);
}

/** Strings and binaries: value offsets start at the piece's first row and point into unsliced bytes. */
function concatVariableWidth(type: DataType, pieces: readonly Data[], length: number, validity: Uint8Array, nullCount: number): Data {
  let total = 0;
  for (const piece of pieces) {
    const offsets = piece.valueOffsets as Int32Array;
    total += (offsets[piece.length] as number) - (offsets[0] as number);
  }
  const bytes = new Uint8Array(total);
  const outOffsets = rebasedOffsets(pieces, length, (piece, start, end, at) => bytes.set((piece.values as Uint8Array).subarray(start, end), at));
  return new Data(type, 0, length, nullCount, [outOffsets as never, bytes as never, validity]);
}

/** Lists and maps: a piece's rows own one contiguous range of its (unsliced) child's rows. */
function concatNested(type: DataType, pieces: readonly Data[], length: number, validity: Uint8Array, nullCount: number): Data {
  const childPieces: Data[] = [];
  const outOffsets = rebasedOffsets(pieces, length, (piece, start, end) => {
    childPieces.push((piece.children[0] as Data).slice(start, end - start));
  });
  return new Data(type, 0, length, nullCount, [outOffsets as never, undefined, validity], [concatData(childPieces)]);
}

/**
 * The joined value offsets of pieces whose offsets start at their first row and index a range
 * `start..end` of their own values (bytes or child rows): each piece's range moves to `at` in the
 * joined values (`place` copies or slices it there) and its offsets shift by the same amount.
 */
function rebasedOffsets(
  pieces: readonly Data[], length: number, place: (piece: Data, start: number, end: number, at: number) => void,
): Int32Array {
  const out = new Int32Array(length + 1);
  let row = 0;
  let at = 0;
  for (const piece of pieces) {
    const offsets = piece.valueOffsets as Int32Array;
    const start = offsets[0] as number;
    const end = offsets[piece.length] as number;
    place(piece, start, end, at);
    const shift = at - start;
    for (let i = 1; i <= piece.length; i++) out[row + i] = (offsets[i] as number) + shift;
    row += piece.length;
    at += end - start;
  }
  return out;
}
