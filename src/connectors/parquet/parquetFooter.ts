import { closeSync, openSync, readSync } from 'node:fs';
import { parquetMetadata, type FileMetaData, type ParquetParsers } from 'hyparquet';
import { DeltaError } from '../../delta/errors';
import type { ObjectStore } from '../../storage/objectStore';

/** The footer of one Parquet file, with the bytes it was decoded from. */
export interface ParquetFooter {
  metadata: FileMetaData;
  /** The footer bytes ending with `<length><PAR1>`, as parquetMetadata accepts them. */
  bytes: Uint8Array;
}

/** Most footers fit in this; a larger one costs exactly one more read of its true length. */
const FIRST_READ_BYTES = 64 * 1024;
/** The footer's length (4 bytes, little-endian) and the magic `PAR1` end every Parquet file. */
export const FOOTER_TRAILER_BYTES = 8;
const MAGIC = 0x31524150; // "PAR1" little-endian
const scratch = new Uint8Array(FIRST_READ_BYTES);

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
  const bytes = await readParquetFooterBytes(store, path, size);
  return { metadata: decodeParquetFooter(bytes, path), bytes };
}

/** The footer bytes (ending with `<length><PAR1>`) of a file in a store. */
export async function readParquetFooterBytes(store: ObjectStore, path: string, size: number): Promise<Uint8Array> {
  checkSize(path, size);
  const tail = await store.getRange(path, Math.max(0, size - FIRST_READ_BYTES), size);
  const found = footerInTail(tail, path, size);
  return typeof found === 'number' ? wholeFooter(await store.getRange(path, size - found, size), path, size) : found;
}

/**
 * The footer bytes of a local file by synchronous positioned reads on one descriptor: about a tenth
 * of the CPU of fs.promises' open/read/close for a footer in the page cache, where the thread-pool
 * round trips and FileHandle objects cost far more than the reads. Callers read a bounded number of
 * files between yields to the event loop. `path` names the file in errors.
 */
export function readLocalParquetFooterBytes(file: string, path: string, size: number): Uint8Array {
  checkSize(path, size);
  const fd = openSync(file, 'r');
  try {
    // The tail goes to one reused buffer (nothing else runs during a synchronous read): only the
    // footer is copied out, not a new 64 KiB (or whole small file) per file for the GC to collect.
    const tail = readAt(fd, Math.max(0, size - FIRST_READ_BYTES), size, scratch);
    const found = footerInTail(tail, path, size);
    return typeof found === 'number' ? wholeFooter(readAt(fd, size - found, size), path, size) : found.slice();
  } finally {
    closeSync(fd);
  }
}

/** hyparquet's full decoding of footer bytes (ending with `<length><PAR1>`). */
export function decodeParquetFooter(bytes: Uint8Array, path: string): FileMetaData {
  try {
    return parquetMetadata(bytes, { parsers: RAW_PARSERS, geoparquet: false });
  } catch (error) {
    throw corruptParquet(path, error instanceof Error ? error.message : String(error));
  }
}

export function corruptParquet(path: string, reason: string): DeltaError {
  return new DeltaError('DELTA_CORRUPT_PARQUET', `${path} is not a readable Parquet file: ${reason}.`);
}

function checkSize(path: string, size: number): void {
  if (size < FOOTER_TRAILER_BYTES + 4) throw corruptParquet(path, `it is only ${size} bytes long`);
}

/** The footer bytes when the tail (the file's last bytes) holds them all, else how many bytes from the end it needs. */
function footerInTail(tail: Uint8Array, path: string, size: number): Uint8Array | number {
  if (tail.byteLength < FOOTER_TRAILER_BYTES) throw corruptParquet(path, `it ended after ${tail.byteLength} of its ${size} bytes`);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  if (view.getUint32(tail.byteLength - 4, true) !== MAGIC) throw corruptParquet(path, 'it does not end with the Parquet magic bytes PAR1');
  const footerLength = view.getUint32(tail.byteLength - FOOTER_TRAILER_BYTES, true) + FOOTER_TRAILER_BYTES;
  if (footerLength > size - 4) throw corruptParquet(path, `its footer length ${footerLength - FOOTER_TRAILER_BYTES} exceeds the file size ${size}`);
  return footerLength > tail.byteLength ? footerLength : tail.subarray(tail.byteLength - footerLength);
}

/** The footer from a second read of exactly its length. */
function wholeFooter(tail: Uint8Array, path: string, size: number): Uint8Array {
  const found = footerInTail(tail, path, size);
  if (typeof found === 'number') throw corruptParquet(path, `it ended after ${tail.byteLength} of the ${found} footer bytes`);
  return found;
}

function readAt(fd: number, start: number, end: number, into?: Uint8Array): Uint8Array {
  const out = into ? into.subarray(0, end - start) : new Uint8Array(end - start);
  let filled = 0;
  while (filled < out.length) {
    const read = readSync(fd, out, filled, out.length - filled, start + filled);
    if (read === 0) break;
    filled += read;
  }
  return filled === out.length ? out : out.subarray(0, filled);
}
