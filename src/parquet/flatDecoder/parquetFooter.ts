import { decodeFileMetadata, type FileMetadata } from './fileMetadata';

const MAGIC = 0x31524150; // "PAR1" little-endian

/**
 * Footers already decoded, by the bytes they came from: a scan reads a file's layout, then decodes it
 * one row group at a time from the same buffer, and each step would otherwise decode the footer again.
 * The footer's bytes are kept and compared on a hit, in case a caller refills the same buffer.
 */
const decoded = new WeakMap<Uint8Array, { footer: Uint8Array; metadata: FileMetadata }>();

/**
 * The footer of a whole Parquet file in `bytes`, or undefined when the bytes are not one (wrong magic,
 * footer length past the start, Thrift that does not parse, encrypted footer).
 */
export function readParquetFooter(bytes: Uint8Array): FileMetadata | undefined {
  const known = decoded.get(bytes);
  if (known !== undefined && endsWith(bytes, known.footer)) return known.metadata;
  if (bytes.byteLength < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(end - 4, true) !== MAGIC) return undefined;
  const footerLength = view.getUint32(end - 8, true);
  if (footerLength > end - 12) return undefined;
  const footer = bytes.slice(end - 8 - footerLength);
  let metadata: FileMetadata;
  try {
    metadata = decodeFileMetadata(footer.subarray(0, footerLength));
  } catch {
    return undefined;
  }
  decoded.set(bytes, { footer, metadata });
  return metadata;
}

function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  const offset = bytes.byteLength - tail.byteLength;
  if (offset < 0) return false;
  for (let i = 0; i < tail.byteLength; i++) if (bytes[offset + i] !== tail[i]) return false;
  return true;
}
