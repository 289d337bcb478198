import { resolve } from 'node:path';
import { LocalFileStore } from '../../storage/localFileStore';
import type { ObjectStore } from '../../storage/objectStore';
import { isDeltaError } from '../errors';
import { DeltaTable } from '../table';

/** Where an operation writes: a path, a store, or an opened table. */
export type TableLocation = string | ObjectStore | DeltaTable;

export function storeOf(location: TableLocation): ObjectStore {
  if (location instanceof DeltaTable) return location.store;
  return typeof location === 'string' ? new LocalFileStore(resolve(location)) : location;
}

/** The table at the location, or undefined when there is none yet. */
export async function openIfExists(location: TableLocation): Promise<DeltaTable | undefined> {
  if (location instanceof DeltaTable) return location;
  try {
    return await DeltaTable.open(storeOf(location));
  } catch (error) {
    if (isDeltaError(error, 'DELTA_TABLE_NOT_FOUND')) return undefined;
    throw error;
  }
}

export async function openTable(location: TableLocation): Promise<DeltaTable> {
  return location instanceof DeltaTable ? location : DeltaTable.open(storeOf(location));
}
