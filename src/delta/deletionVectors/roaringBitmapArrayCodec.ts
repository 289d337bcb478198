import { DeltaError } from '../errors';
import { RoaringBitmapArray } from './roaringBitmapArray';
import {
  BITSET_WORDS,
  MAX_ARRAY_CARDINALITY,
  containerCardinality,
  containerSerializedSize,
  type RoaringContainer,
} from './roaringContainer';

/** "Deletion Vector Format": the little-endian int32 before the portable 64-bit bitmap. */
export const ROARING_BITMAP_ARRAY_MAGIC = 1681511377;

// Cookies of the 32-bit portable format (RoaringFormatSpec, "Cookie header").
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;

// Highest 32-bit bucket key whose rows stay below 2^53, the exact range of a JS number.
const MAX_BUCKET_KEY = 2 ** 21 - 1;

/**
 * Delta's older "native" RoaringBitmapArray layout: a 32-bit bitmap count, then per bitmap its
 * byte length and the 32-bit portable bitmap, the bitmap's position being its high 32 bits. Delta
 * still reads it, and the protocol's inline example (JSON Example 3) uses it, with big-endian
 * framing from before Delta fixed the framing to little-endian; we accept both.
 */
const NATIVE_ROARING_BITMAP_ARRAY_MAGIC = 1681511376;

/**
 * Decodes a "RoaringBitmapArray" ("Deletion Vector Format"): the magic number, then the 64-bit
 * portable Roaring format (a bucket count, then per bucket its high 32 bits and a 32-bit portable
 * Roaring bitmap). `source` names where the bytes came from, for error messages.
 */
export function deserializeRoaringBitmapArray(bytes: Uint8Array, source: string): RoaringBitmapArray {
  const reader = new ByteReader(bytes, source);
  const magic = reader.u32();
  const keys: number[] = [];
  const containers: RoaringContainer[] = [];
  if (magic === ROARING_BITMAP_ARRAY_MAGIC) readPortable(reader, keys, containers);
  else if (magic === NATIVE_ROARING_BITMAP_ARRAY_MAGIC) readNative(reader, true, keys, containers);
  else if (swapBytes(magic) === NATIVE_ROARING_BITMAP_ARRAY_MAGIC) readNative(reader, false, keys, containers);
  else throw reader.invalid(`unknown bitmap format (magic number ${magic}, expected ${ROARING_BITMAP_ARRAY_MAGIC})`);
  if (reader.remaining() !== 0) throw reader.invalid(`${reader.remaining()} unexpected trailing bytes`);
  return new RoaringBitmapArray(keys, containers);
}

function readPortable(reader: ByteReader, keys: number[], containers: RoaringContainer[]): void {
  const bucketCount = reader.u64();
  let previousBucket = -1;
  for (let b = 0; b < bucketCount; b++) {
    const bucket = reader.u32();
    if (bucket <= previousBucket) throw reader.invalid(`bucket keys are not ascending (${bucket} after ${previousBucket})`);
    checkBucket(reader, bucket);
    previousBucket = bucket;
    readBitmap32(reader, bucket * 65536, keys, containers);
  }
}

function readNative(reader: ByteReader, littleEndian: boolean, keys: number[], containers: RoaringContainer[]): void {
  const bitmapCount = reader.u32(littleEndian);
  for (let bucket = 0; bucket < bitmapCount; bucket++) {
    checkBucket(reader, bucket);
    const size = reader.u32(littleEndian);
    const start = reader.position;
    readBitmap32(reader, bucket * 65536, keys, containers);
    if (reader.position - start !== size) {
      throw reader.invalid(`bitmap ${bucket} takes ${reader.position - start} bytes but its header says ${size}`);
    }
  }
}

function checkBucket(reader: ByteReader, bucket: number): void {
  if (bucket > MAX_BUCKET_KEY) throw reader.invalid(`row indexes of bucket ${bucket} exceed 2^53`);
}

function swapBytes(value: number): number {
  return (((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24)) >>> 0;
}

/** One 32-bit portable Roaring bitmap; its containers are appended with keys offset by `keyBase`. */
function readBitmap32(reader: ByteReader, keyBase: number, keys: number[], containers: RoaringContainer[]): void {
  const start = reader.position;
  const cookie = reader.u32();
  let size: number;
  let runFlags: Uint8Array | undefined;
  let hasOffsets: boolean;
  if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = reader.u32();
    if (size > 65536) throw reader.invalid(`a bitmap claims ${size} containers (at most 65536)`);
    hasOffsets = true;
  } else if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    runFlags = reader.bytes((size + 7) >>> 3);
    hasOffsets = size >= NO_OFFSET_THRESHOLD;
  } else {
    throw reader.invalid(`not a portable Roaring bitmap (cookie ${cookie} at byte ${start})`);
  }
  const header = reader.bytes(4 * size);
  const headerView = new DataView(header.buffer, header.byteOffset, header.byteLength);
  // The offset header only speeds up random access; containers follow in order regardless.
  if (hasOffsets) reader.bytes(4 * size);
  let previousKey = -1;
  for (let i = 0; i < size; i++) {
    const key = headerView.getUint16(4 * i, true);
    const cardinality = headerView.getUint16(4 * i + 2, true) + 1;
    if (key <= previousKey) throw reader.invalid(`container keys are not ascending (${key} after ${previousKey})`);
    previousKey = key;
    const isRun = runFlags !== undefined && ((runFlags[i >>> 3]! >>> (i & 7)) & 1) === 1;
    const container = isRun
      ? readRunContainer(reader)
      : cardinality <= MAX_ARRAY_CARDINALITY
        ? readArrayContainer(reader, cardinality)
        : readBitsetContainer(reader);
    if (containerCardinality(container) !== cardinality) {
      throw reader.invalid(
        `container ${key} holds ${containerCardinality(container)} values but its header says ${cardinality}`,
      );
    }
    keys.push(keyBase + key);
    containers.push(container);
  }
}

function readArrayContainer(reader: ByteReader, cardinality: number): RoaringContainer {
  const values = new Uint16Array(cardinality);
  for (let i = 0; i < cardinality; i++) {
    values[i] = reader.u16();
    if (i > 0 && values[i]! <= values[i - 1]!) throw reader.invalid('array container values are not ascending');
  }
  return { kind: 'array', values };
}

function readBitsetContainer(reader: ByteReader): RoaringContainer {
  const words = new Uint32Array(BITSET_WORDS);
  let cardinality = 0;
  for (let w = 0; w < BITSET_WORDS; w++) {
    const word = reader.u32();
    words[w] = word;
    cardinality += popcount(word);
  }
  return { kind: 'bitset', words, cardinality };
}

function readRunContainer(reader: ByteReader): RoaringContainer {
  const runCount = reader.u16();
  const runs = new Uint16Array(2 * runCount);
  let cardinality = 0;
  let nextFree = 0;
  for (let r = 0; r < runCount; r++) {
    const start = reader.u16();
    const lengthMinusOne = reader.u16();
    if (start < nextFree || start + lengthMinusOne > 0xffff) {
      throw reader.invalid('run container runs overlap, are out of order or exceed the container');
    }
    runs[2 * r] = start;
    runs[2 * r + 1] = lengthMinusOne;
    cardinality += lengthMinusOne + 1;
    nextFree = start + lengthMinusOne + 1;
  }
  return { kind: 'run', runs, cardinality };
}

/** Encodes the set in the format `deserializeRoaringBitmapArray` reads (and Delta readers expect). */
export function serializeRoaringBitmapArray(bitmap: RoaringBitmapArray): Uint8Array {
  const buckets: { key: number; from: number; to: number }[] = [];
  for (let i = 0; i < bitmap.keys.length; i++) {
    const bucket = Math.floor(bitmap.keys[i]! / 65536);
    const last = buckets[buckets.length - 1];
    if (last !== undefined && last.key === bucket) last.to = i + 1;
    else buckets.push({ key: bucket, from: i, to: i + 1 });
  }
  let total = 4 + 8;
  for (const { from, to } of buckets) total += 4 + bitmap32Size(bitmap.containers.slice(from, to));

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint32(at, ROARING_BITMAP_ARRAY_MAGIC, true);
  view.setBigUint64((at += 4), BigInt(buckets.length), true);
  at += 8;
  for (const { key, from, to } of buckets) {
    view.setUint32(at, key, true);
    at += 4;
    const containers = bitmap.containers.slice(from, to);
    const lowKeys = bitmap.keys.slice(from, to).map((k) => k - key * 65536);
    at = writeBitmap32(view, at, lowKeys, containers);
  }
  return out;
}

function bitmap32Size(containers: readonly RoaringContainer[]): number {
  const size = containers.length;
  const hasRun = containers.some((c) => c.kind === 'run');
  const headerSize = hasRun
    ? 4 + ((size + 7) >>> 3) + 4 * size + (size >= NO_OFFSET_THRESHOLD ? 4 * size : 0)
    : 8 + 8 * size;
  return containers.reduce((sum, c) => sum + containerSerializedSize(c), headerSize);
}

function writeBitmap32(view: DataView, start: number, keys: readonly number[], containers: readonly RoaringContainer[]): number {
  const size = containers.length;
  const hasRun = containers.some((c) => c.kind === 'run');
  let at = start;
  if (hasRun) {
    view.setUint32(at, (SERIAL_COOKIE | ((size - 1) << 16)) >>> 0, true);
    at += 4;
    for (let i = 0; i < size; i++) {
      if (containers[i]!.kind === 'run') {
        const flagAt = at + (i >>> 3);
        view.setUint8(flagAt, view.getUint8(flagAt) | (1 << (i & 7)));
      }
    }
    at += (size + 7) >>> 3;
  } else {
    view.setUint32(at, SERIAL_COOKIE_NO_RUNCONTAINER, true);
    view.setUint32(at + 4, size, true);
    at += 8;
  }
  for (let i = 0; i < size; i++) {
    view.setUint16(at, keys[i]!, true);
    view.setUint16(at + 2, containerCardinality(containers[i]!) - 1, true);
    at += 4;
  }
  if (!hasRun || size >= NO_OFFSET_THRESHOLD) {
    // Offsets count from the bitmap's own cookie.
    let offset = at + 4 * size - start;
    for (const container of containers) {
      view.setUint32(at, offset, true);
      at += 4;
      offset += containerSerializedSize(container);
    }
  }
  for (const container of containers) at = writeContainer(view, at, container);
  return at;
}

function writeContainer(view: DataView, start: number, container: RoaringContainer): number {
  let at = start;
  switch (container.kind) {
    case 'array':
      for (const value of container.values) {
        view.setUint16(at, value, true);
        at += 2;
      }
      return at;
    case 'bitset':
      for (const word of container.words) {
        view.setUint32(at, word, true);
        at += 4;
      }
      return at;
    case 'run':
      view.setUint16(at, container.runs.length / 2, true);
      at += 2;
      for (const value of container.runs) {
        view.setUint16(at, value, true);
        at += 2;
      }
      return at;
  }
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Little-endian reads that fail with a DeltaError naming the source instead of reading past the end. */
class ByteReader {
  position = 0;
  private readonly view: DataView;

  constructor(
    private readonly data: Uint8Array,
    private readonly source: string,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  remaining(): number {
    return this.data.length - this.position;
  }

  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }

  u32(littleEndian = true): number {
    return this.view.getUint32(this.take(4), littleEndian);
  }

  u64(): number {
    const value = this.view.getBigUint64(this.take(8), true);
    if (value > BigInt(MAX_BUCKET_KEY + 1)) throw this.invalid(`implausible bucket count ${value}`);
    return Number(value);
  }

  bytes(length: number): Uint8Array {
    const at = this.take(length);
    return this.data.subarray(at, at + length);
  }

  invalid(reason: string): DeltaError {
    return new DeltaError(
      'DELTA_INVALID_DELETION_VECTOR',
      `Deletion vector in ${this.source} is corrupt: ${reason}. The file is damaged or was not written by a Delta writer; restore it from a backup or read an earlier table version.`,
    );
  }

  private take(length: number): number {
    if (this.position + length > this.data.length) {
      throw this.invalid(`truncated bitmap (needs ${this.position + length} bytes, has ${this.data.length})`);
    }
    const at = this.position;
    this.position += length;
    return at;
  }
}
