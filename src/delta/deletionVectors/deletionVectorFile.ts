import { randomUUID } from 'node:crypto';
import type { DeletionVectorDescriptor } from '../actions';
import { crc32 } from './crc32';
import { encodeDeletionVectorReference, relativeDeletionVectorPath } from './deletionVectorLocation';
import { RoaringBitmapArray } from './roaringBitmapArray';
import { serializeRoaringBitmapArray } from './roaringBitmapArrayCodec';

/** "Deletion Vector File Storage Format": the first byte of every DV file. */
export const DELETION_VECTOR_FILE_VERSION = 1;

/** A DV file frame's bytes around the bitmap: big-endian size before, big-endian CRC-32 after. */
export const FRAME_OVERHEAD = 8;

/**
 * A complete one-DV file: version byte, then at `offset` the big-endian bitmap size, the bitmap
 * and its big-endian CRC-32. `sizeInBytes`, `offset` and `cardinality` go into the descriptor.
 */
export function encodeDeletionVectorFile(rows: Iterable<number>): {
  bytes: Uint8Array;
  sizeInBytes: number;
  offset: number;
  cardinality: number;
} {
  const bitmap = RoaringBitmapArray.fromRows(rows);
  const data = serializeRoaringBitmapArray(bitmap);
  const offset = 1;
  const bytes = new Uint8Array(offset + FRAME_OVERHEAD + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, DELETION_VECTOR_FILE_VERSION);
  view.setUint32(offset, data.length, false);
  bytes.set(data, offset + 4);
  view.setUint32(offset + 4 + data.length, crc32(data), false);
  return { bytes, sizeInBytes: data.length, offset, cardinality: bitmap.cardinality };
}

/**
 * Everything a writer needs to store a DV for one data file: the file's table-relative `path`, its
 * `bytes`, and the 'u' descriptor to put on the `add` action.
 */
export function createDeletionVectorFile(
  rows: Iterable<number>,
  options: { uuid?: string; prefix?: string } = {},
): { path: string; bytes: Uint8Array; descriptor: DeletionVectorDescriptor } {
  const { bytes, sizeInBytes, offset, cardinality } = encodeDeletionVectorFile(rows);
  const pathOrInlineDv = encodeDeletionVectorReference(options.uuid ?? randomUUID(), options.prefix ?? '');
  return {
    path: relativeDeletionVectorPath(pathOrInlineDv),
    bytes,
    descriptor: { storageType: 'u', pathOrInlineDv, offset, sizeInBytes, cardinality },
  };
}
