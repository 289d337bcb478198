import { fileURLToPath } from 'node:url';
import { basename, dirname, isAbsolute, relative, sep } from 'node:path';
import type { DeletionVectorDescriptor } from '../actions';
import { DeltaError } from '../errors';
import type { ObjectStore } from '../../storage/objectStore';
import { LocalFileStore } from '../../storage/localFileStore';
import { z85Decode, z85Encode } from './z85';

/** Where a stored deletion vector lives: a store and a path inside it. */
export interface DeletionVectorLocation {
  readonly store: ObjectStore;
  readonly path: string;
}

// A UUID's 16 bytes take exactly 20 Z85 characters; anything before them is the random prefix.
const ENCODED_UUID_LENGTH = 20;

/**
 * Resolves an on-disk descriptor ("Derived Fields: absolutePath"): 'u' is
 * `<random prefix>/deletion_vector_<uuid>.bin` under the table root, 'p' an absolute URI.
 */
export function resolveDeletionVectorLocation(
  tableStore: ObjectStore,
  descriptor: DeletionVectorDescriptor,
): DeletionVectorLocation {
  switch (descriptor.storageType) {
    case 'u':
      return { store: tableStore, path: relativeDeletionVectorPath(descriptor.pathOrInlineDv) };
    case 'p':
      return resolveAbsolute(tableStore, descriptor.pathOrInlineDv);
    case 'i':
      throw new DeltaError('DELTA_INVALID_ARGUMENT', 'An inline deletion vector has no file to resolve.');
    default:
      throw new DeltaError(
        'DELTA_INVALID_DELETION_VECTOR',
        `Unknown deletion vector storageType ${JSON.stringify(descriptor.storageType)} (expected 'u', 'i' or 'p').`,
      );
  }
}

/** The table-relative path of a 'u' descriptor's `pathOrInlineDv`. */
export function relativeDeletionVectorPath(pathOrInlineDv: string): string {
  if (pathOrInlineDv.length < ENCODED_UUID_LENGTH) {
    throw new DeltaError(
      'DELTA_INVALID_DELETION_VECTOR',
      `Deletion vector reference ${JSON.stringify(pathOrInlineDv)} is too short to hold a Z85-encoded UUID (20 characters).`,
    );
  }
  const prefix = pathOrInlineDv.slice(0, -ENCODED_UUID_LENGTH);
  const uuid = formatUuid(z85Decode(pathOrInlineDv.slice(-ENCODED_UUID_LENGTH)));
  const fileName = `deletion_vector_${uuid}.bin`;
  return prefix === '' ? fileName : `${prefix}/${fileName}`;
}

/** The `pathOrInlineDv` of a 'u' descriptor for a DV file named after `uuid`, optionally under `prefix`. */
export function encodeDeletionVectorReference(uuid: string, prefix = ''): string {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new DeltaError('DELTA_INVALID_ARGUMENT', `${JSON.stringify(uuid)} is not a UUID.`);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return prefix + z85Encode(bytes);
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function resolveAbsolute(tableStore: ObjectStore, uri: string): DeletionVectorLocation {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new DeltaError('DELTA_INVALID_DELETION_VECTOR', `Deletion vector path ${JSON.stringify(uri)} is not an absolute URI.`);
  }
  if (url.protocol !== 'file:') {
    throw new DeltaError(
      'DELTA_INVALID_DELETION_VECTOR',
      `Deletion vector ${uri} is stored on "${url.protocol.slice(0, -1)}", which is not supported yet; only file:// locations can be read.`,
    );
  }
  const absolute = fileURLToPath(url);
  if (tableStore instanceof LocalFileStore) {
    const inside = relative(tableStore.root, absolute);
    if (inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside)) {
      return { store: tableStore, path: inside.split(sep).join('/') };
    }
  }
  // Outside the table: a store over just the file's folder, rather than widening the table store.
  return { store: new LocalFileStore(dirname(absolute)), path: basename(absolute) };
}
