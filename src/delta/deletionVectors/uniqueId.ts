import type { DeletionVectorDescriptor } from '../actions';

/**
 * The descriptor's `uniqueId` ("Derived Fields"): log replay keys a file by (path, uniqueId), so a
 * file re-added with a different DV is a different logical file.
 */
export function uniqueIdOf(descriptor: DeletionVectorDescriptor): string {
  const base = `${descriptor.storageType}${descriptor.pathOrInlineDv}`;
  return descriptor.offset === undefined || descriptor.offset === null ? base : `${base}@${descriptor.offset}`;
}
