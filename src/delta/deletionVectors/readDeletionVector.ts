import type { DeletionVectorDescriptor } from '../actions';
import { DeltaError } from '../errors';
import type { ObjectStore } from '../../storage/objectStore';
import { crc32 } from './crc32';
import type { DeletedRows } from './deletedRows';
import { resolveDeletionVectorLocation } from './deletionVectorLocation';
import { DELETION_VECTOR_FILE_VERSION, FRAME_OVERHEAD } from './deletionVectorFile';
import type { RoaringBitmapArray } from './roaringBitmapArray';
import { deserializeRoaringBitmapArray } from './roaringBitmapArrayCodec';
import { z85Decode } from './z85';

// Below this offset the version byte comes in the same read as the DV; beyond it, a second tiny
// read is cheaper than reading the DVs in between.
const SINGLE_READ_LIMIT = 64 * 1024;

/**
 * Loads the rows a descriptor marks as deleted, from the log itself ('i') or from a DV file ('u',
 * 'p') in `store`, the table's store. Verifies the file version, size, CRC-32 and the
 * descriptor's cardinality.
 */
export async function readDeletionVector(store: ObjectStore, descriptor: DeletionVectorDescriptor): Promise<DeletedRows> {
  const { sizeInBytes } = descriptor;
  if (!Number.isSafeInteger(sizeInBytes) || sizeInBytes < 0) {
    throw new DeltaError('DELTA_INVALID_DELETION_VECTOR', `Deletion vector descriptor has an invalid sizeInBytes ${sizeInBytes}.`);
  }
  const bitmap =
    descriptor.storageType === 'i' ? readInline(descriptor) : await readStored(store, descriptor);
  if (bitmap.cardinality !== descriptor.cardinality) {
    throw new DeltaError(
      'DELTA_INVALID_DELETION_VECTOR',
      `Deletion vector ${describe(store, descriptor)} holds ${bitmap.cardinality} rows but the log says ${descriptor.cardinality}; the DV file or the log is damaged.`,
    );
  }
  return bitmap;
}

function readInline(descriptor: DeletionVectorDescriptor): RoaringBitmapArray {
  const decoded = z85Decode(descriptor.pathOrInlineDv);
  if (decoded.length < descriptor.sizeInBytes) {
    throw new DeltaError(
      'DELTA_INVALID_DELETION_VECTOR',
      `Inline deletion vector has ${decoded.length} bytes but its descriptor says ${descriptor.sizeInBytes}.`,
    );
  }
  // Z85 pads to 4-byte groups; sizeInBytes marks the end of the real data.
  return deserializeRoaringBitmapArray(decoded.subarray(0, descriptor.sizeInBytes), 'an inline deletion vector');
}

async function readStored(tableStore: ObjectStore, descriptor: DeletionVectorDescriptor): Promise<RoaringBitmapArray> {
  const { store, path } = resolveDeletionVectorLocation(tableStore, descriptor);
  const file = `${store.root.replace(/\/+$/, '')}/${path}`;
  // Delta writers always set the offset; without one the only DV of the file follows the version byte.
  const offset = descriptor.offset ?? 1;
  if (!Number.isSafeInteger(offset) || offset < 1) {
    throw new DeltaError('DELTA_INVALID_DELETION_VECTOR', `Deletion vector descriptor for ${file} has an invalid offset ${offset}.`);
  }
  const end = offset + FRAME_OVERHEAD + descriptor.sizeInBytes;

  let version: number | undefined;
  let frame: Uint8Array;
  try {
    if (offset < SINGLE_READ_LIMIT) {
      const head = await store.getRange(path, 0, end);
      version = head[0];
      frame = head.subarray(offset);
    } else {
      version = (await store.getRange(path, 0, 1))[0];
      frame = await store.getRange(path, offset, end);
    }
  } catch (error) {
    if ((await store.head(path)) === undefined) {
      throw new DeltaError(
        'DELTA_FILE_NOT_FOUND',
        `Deletion vector file ${file} does not exist. It may have been vacuumed or not copied with the table; read an earlier version or restore the file.`,
        { cause: error },
      );
    }
    throw error;
  }

  const invalid = (reason: string): DeltaError =>
    new DeltaError('DELTA_INVALID_DELETION_VECTOR', `Deletion vector file ${file} is invalid: ${reason}.`);
  if (version !== DELETION_VECTOR_FILE_VERSION) {
    throw invalid(version === undefined ? 'the file is empty' : `unsupported format version ${version} (expected ${DELETION_VECTOR_FILE_VERSION})`);
  }
  if (frame.length < FRAME_OVERHEAD + descriptor.sizeInBytes) {
    throw invalid(`the file ends before the ${descriptor.sizeInBytes}-byte deletion vector at offset ${offset}`);
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const storedSize = view.getUint32(0, false);
  if (storedSize !== descriptor.sizeInBytes) {
    throw invalid(`the deletion vector at offset ${offset} has ${storedSize} bytes but the log says ${descriptor.sizeInBytes}`);
  }
  const data = frame.subarray(4, 4 + storedSize);
  const storedChecksum = view.getUint32(4 + storedSize, false);
  if (crc32(data) !== storedChecksum) throw invalid(`checksum mismatch for the deletion vector at offset ${offset}`);
  return deserializeRoaringBitmapArray(data, file);
}

function describe(store: ObjectStore, descriptor: DeletionVectorDescriptor): string {
  if (descriptor.storageType === 'i') return 'stored inline in the log';
  const { store: dvStore, path } = resolveDeletionVectorLocation(store, descriptor);
  return `in ${dvStore.root.replace(/\/+$/, '')}/${path} at offset ${descriptor.offset ?? 1}`;
}
