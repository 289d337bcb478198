import { parquetMetadata, type FileMetaData, type ParquetParsers } from 'hyparquet';
import { DeltaError } from '../../delta/errors';
import type { ObjectStore } from '../../storage/objectStore';

/** The footer of one Parquet file, with the bytes it was decoded from (raw statistics need them). */
export interface ParquetFooter {
  metadata: FileMetaData;
  /** The footer bytes ending with `<length><PAR1>`, as parquetMetadata accepts them. */
  bytes: Uint8Array;
}

/** Most footers fit in this; a larger one costs exactly one more read of its true length. */
const FIRST_READ_BYTES = 64 * 1024;
const TAIL_BYTES = 8;
const MAGIC = 0x31524150; // "PAR1" little-endian

/**
 * Statistics and values are kept raw (bigint ticks, day numbers, bytes) instead of hyparquet's
 * Date and string conversions, which round timestamps to milliseconds and decode every byte
 * array as UTF-8: Delta statistics need exact values typed by the column's logical type.
 */
const RAW_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (ticks: bigint) => ticks,
  timestampFromMicroseconds: (ticks: bigint) => ticks,
  timestampFromNanoseconds: (ticks: bigint) => ticks,
  dateFromDays: (days: number) => days,
  stringFromBytes: (bytes: Uint8Array) => bytes,
};

/**
 * Reads only the footer of a Parquet file through `store.getRange` (one read, two for footers over
 * 64 KiB), so listing statistics of 100,000 files never reads their data pages.
 */
export async function readParquetFooter(store: ObjectStore, path: string, size: number): Promise<ParquetFooter> {
  if (size < TAIL_BYTES + 4) throw corrupt(path, `it is only ${size} bytes long`);
  let tail = await store.getRange(path, Math.max(0, size - FIRST_READ_BYTES), size);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  if (view.getUint32(tail.byteLength - 4, true) !== MAGIC) throw corrupt(path, 'it does not end with the Parquet magic bytes PAR1');
  const metadataLength = view.getUint32(tail.byteLength - TAIL_BYTES, true);
  const footerLength = metadataLength + TAIL_BYTES;
  if (footerLength > size - 4) throw corrupt(path, `its footer length ${metadataLength} exceeds the file size ${size}`);
  if (footerLength > tail.byteLength) tail = await store.getRange(path, size - footerLength, size);
  const bytes = tail.subarray(tail.byteLength - footerLength);
  try {
    return { metadata: parquetMetadata(bytes, { parsers: RAW_PARSERS, geoparquet: false }), bytes };
  } catch (error) {
    throw corrupt(path, error instanceof Error ? error.message : String(error));
  }
}

function corrupt(path: string, reason: string): DeltaError {
  return new DeltaError('DELTA_CORRUPT_PARQUET', `${path} is not a readable Parquet file: ${reason}.`);
}
