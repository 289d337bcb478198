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

interface Remembered extends DictionaryRows {
  valueOffsets: Int32Array | undefined;
  typeId: number;
}

/**
 * Keyed by the column's values array, not its Data: a Data relabelled (physical names, column
 * mapping) shares the array. A column whose values are new (filtered, cast, computed) misses, so
 * its rows are hashed as usual.
 */
const remembered = new WeakMap<object, Remembered>();

/** Notes that the rows of `data` (offset 0) hold `rows.indices[row]` of `rows.dictionary`. */
export function rememberDictionaryRows(data: Data, rows: DictionaryRows): void {
  if (data.offset !== 0 || rows.indices.length < data.length || typeof data.values !== 'object') return;
  const valueOffsets = data.valueOffsets instanceof Int32Array ? data.valueOffsets : undefined;
  remembered.set(data.values, { ...rows, valueOffsets, typeId: data.typeId });
}

/**
 * The dictionary rows of `data` when it is (a relabelled copy of) a decoded column noted by
 * `rememberDictionaryRows`: the same values (and offsets) arrays, from its first row, of the same type.
 */
export function dictionaryRowsOf(data: Data): DictionaryRows | undefined {
  if (data.offset !== 0 || typeof data.values !== 'object' || data.values === null) return undefined;
  const rows = remembered.get(data.values);
  if (rows === undefined || rows.typeId !== data.typeId || rows.indices.length < data.length) return undefined;
  const valueOffsets = data.valueOffsets instanceof Int32Array ? data.valueOffsets : undefined;
  if (valueOffsets !== rows.valueOffsets) return undefined;
  return { dictionary: rows.dictionary, indices: rows.indices };
}
