import type { Data } from 'apache-arrow';

/**
 * A decoded column's rows as entries of the Parquet dictionary they were read from: what a
 * copy-on-write rewrite's encoder indexes instead of hashing every value again (the decoder has
 * just looked each one up in that dictionary).
 */
export interface DictionaryRows {
  /** The dictionary's entries, decoded to the column's Arrow layout (no nulls). */
  dictionary: Data;
  /** Per row of the column, the entry it holds; any entry for a null row. */
  indices: Int32Array;
}

/**
 * How the column chunk a decoded column came from stored its rows, where a rewrite's encoder can
 * use it: all from one dictionary (its rows), or from a dictionary that filled up and gave way to
 * PLAIN pages ('overflowed': the chunk holds more distinct values than a dictionary takes).
 */
export type DecodedStorage = DictionaryRows | 'overflowed';

interface Remembered {
  storage: DecodedStorage;
  length: number;
  valueOffsets: Int32Array | undefined;
  typeId: number;
}

/**
 * Keyed by the column's values array, not its Data: a Data relabelled (physical names, column
 * mapping) shares the array. A column whose values are new (filtered, cast, computed) misses, so
 * its rows are hashed like every other column's.
 */
const remembered = new WeakMap<object, Remembered>();

/** Notes how the rows of `data` (offset 0) were stored; DictionaryRows' indices start at its first row. */
export function rememberDecodedStorage(data: Data, storage: DecodedStorage): void {
  if (data.offset !== 0 || typeof data.values !== 'object' || data.values === null) return;
  if (storage !== 'overflowed' && storage.indices.length < data.length) return;
  remembered.set(data.values, { storage, length: data.length, valueOffsets: offsetsOf(data), typeId: data.typeId });
}

/**
 * How `data` was stored when it is (a relabelled copy of) a decoded column noted by
 * `rememberDecodedStorage`: the same values (and offsets) arrays, from its first row, of the same type.
 */
export function decodedStorageOf(data: Data): DecodedStorage | undefined {
  if (data.offset !== 0 || typeof data.values !== 'object' || data.values === null) return undefined;
  const noted = remembered.get(data.values);
  if (noted === undefined || noted.typeId !== data.typeId || noted.length < data.length || offsetsOf(data) !== noted.valueOffsets) return undefined;
  return noted.storage;
}

/** The dictionary rows of `data`, when it was decoded from a chunk stored with one dictionary alone. */
export function dictionaryRowsOf(data: Data): DictionaryRows | undefined {
  const storage = decodedStorageOf(data);
  return storage === 'overflowed' ? undefined : storage;
}

/** Whether `data` was decoded from a chunk whose dictionary filled up (see DecodedStorage). */
export function dictionaryOverflowed(data: Data): boolean {
  return decodedStorageOf(data) === 'overflowed';
}

function offsetsOf(data: Data): Int32Array | undefined {
  return data.valueOffsets instanceof Int32Array ? data.valueOffsets : undefined;
}
