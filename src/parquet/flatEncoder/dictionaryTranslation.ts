import { rowRunsOf, type RowRuns } from './rowRuns';
import type { DictionaryKey, DictionarySource, ValueDictionary, ValueRows } from './valueDictionary';

/** Source entries first used by a page, in the order its rows use them (reused: encoding is synchronous). */
let missedScratch = new Int32Array(0);
/** A page's indices into the chunk's dictionary (reused likewise: valid until the next translation). */
let indicesScratch = new Int32Array(0);

/**
 * A translation's entry first used by the page being translated. An entry not used yet holds its
 * own complement (~entry, from -1 down to -entryCount): a row's look-up then leaves which entry
 * it needs in the page's indices, and the entries to add are found from the indices alone.
 */
const PENDING = -0x40000000;

/**
 * The chunk dictionary's index of each entry of a dictionary the rows were decoded from (see
 * DictionaryRows), learnt as rows use them: a page of a copy-on-write rewrite then hashes each
 * entry it uses once per chunk instead of every value, and reads the others' indices from here.
 * Entries enter the chunk's dictionary in the order rows first use them, as hashing the values
 * would add them, so the pages and the dictionary come out the same; entries no row uses stay out.
 */
export class DictionaryTranslation {
  private readonly target: Int32Array;

  constructor(
    /** The source dictionary's entries, read as the chunk's dictionary reads values. */
    private readonly entries: DictionarySource,
    entryCount: number,
    private readonly key: DictionaryKey,
  ) {
    this.target = new Int32Array(entryCount);
    for (let entry = 0; entry < entryCount; entry++) this.target[entry] = ~entry;
  }

  /**
   * The `dictionary` index of each non-null value of `rows`, whose source entries are
   * `rowEntries[row]`, adding entries first used here; or undefined, as ValueDictionary.indicesOf,
   * once the dictionary would pass `limit` bytes (this translation is then moot: the chunk's
   * dictionary takes no more values). `rowOffsets`: the value offsets of the rows' own column
   * (BYTE_ARRAY), whose PLAIN size they then give a run at a time.
   */
  indicesOf(dictionary: ValueDictionary, rowEntries: Int32Array, rows: ValueRows, limit: number, rowOffsets?: ArrayLike<number>): Int32Array | undefined {
    const n = rows.rows ? rows.rows.length : rows.length;
    if (indicesScratch.length < n) indicesScratch = new Int32Array(n);
    const runs = rows.runs ?? rowRunsOf(rows.rows, n);
    const looked = rows.validity ? this.lookUpNonNull(rowEntries, rows.validity, rows.bitOffset, runs) : this.lookUp(rowEntries, runs);
    const count = looked < 0 ? ~looked : looked;
    if (looked < 0 && !this.addFirstUsed(dictionary, count, limit)) return undefined;
    const source = this.entries;
    if (!('offsets' in source)) dictionary.plainBytes += count * (this.key === 'doubleWord' ? 8 : 4);
    else dictionary.plainBytes += rowOffsets && !rows.validity ? runBytes(rowOffsets, runs) : plainBytesOf(source.offsets, rowEntries, rows, runs);
    return indicesScratch.subarray(0, count);
  }

  /**
   * Each row's index as translated so far into `indicesScratch` (~entry for an entry not
   * translated yet): their count, or its complement (~count, negative) when some entry was not.
   * Branch-free per row: checks for misses, nulls or sizes per row took twice the time.
   */
  private lookUp(rowEntries: Int32Array, runs: RowRuns): number {
    const target = this.target;
    const out = indicesScratch;
    let k = 0;
    let unknown = 0;
    for (let p = 0; p < runs.length; p += 2) {
      const end = runs[p + 1] as number;
      for (let i = runs[p] as number; i < end; i++) {
        const index = target[rowEntries[i] as number] as number;
        out[k++] = index;
        unknown |= index;
      }
    }
    return unknown < 0 ? ~k : k;
  }

  /** `lookUp` of the non-null rows of a page with nulls (bit clear in `validity`, from `bitOffset`). */
  private lookUpNonNull(rowEntries: Int32Array, validity: Uint8Array, bitOffset: number, runs: RowRuns): number {
    const target = this.target;
    const out = indicesScratch;
    let k = 0;
    let unknown = 0;
    for (let p = 0; p < runs.length; p += 2) {
      const end = runs[p + 1] as number;
      for (let i = runs[p] as number; i < end; i++) {
        if (((validity[(bitOffset + i) >> 3] as number) & (1 << ((bitOffset + i) & 7))) === 0) continue;
        const index = target[rowEntries[i] as number] as number;
        out[k++] = index;
        unknown |= index;
      }
    }
    return unknown < 0 ? ~k : k;
  }

  /**
   * Adds to `dictionary` the entries the look-up left as their complement in the page's first
   * `count` indices, in the order the rows first use them, and fills in those indices; false past
   * `limit`.
   */
  private addFirstUsed(dictionary: ValueDictionary, count: number, limit: number): boolean {
    const target = this.target;
    if (missedScratch.length < target.length) missedScratch = new Int32Array(target.length);
    const out = indicesScratch;
    const missed = missedScratch;
    let misses = 0;
    for (let k = 0; k < count; k++) {
      const index = out[k] as number;
      if (index >= 0) continue;
      const entry = ~index;
      if (target[entry] === PENDING) continue;
      target[entry] = PENDING;
      missed[misses++] = entry;
    }
    if (!this.add(dictionary, missed.subarray(0, misses), limit)) return false;
    for (let k = 0; k < count; k++) {
      const index = out[k] as number;
      if (index < 0) out[k] = target[~index] as number;
    }
    return true;
  }

  /** Adds the source entries `missed` to `dictionary`, noting their indices; false past `limit`. */
  private add(dictionary: ValueDictionary, missed: Int32Array, limit: number): boolean {
    const before = dictionary.plainBytes;
    dictionary.reserve(missed.length, this.plainBytesOf(missed));
    const added = dictionary.indicesOf(this.entries, { length: this.target.length, validity: undefined, bitOffset: 0, rows: missed, runs: undefined }, limit);
    // The pages' PLAIN size counts every value, not each entry once: `indicesOf` (the caller) adds it.
    dictionary.plainBytes = before;
    if (!added) return false;
    for (let m = 0; m < missed.length; m++) this.target[missed[m] as number] = added[m] as number;
    return true;
  }

  /** The PLAIN bytes of the source entries `missed`, as the chunk's dictionary would hold them. */
  private plainBytesOf(missed: Int32Array): number {
    const source = this.entries;
    if (!('offsets' in source)) return missed.length * (this.key === 'doubleWord' ? 8 : 4);
    let bytes = 0;
    for (let m = 0; m < missed.length; m++) {
      const entry = missed[m] as number;
      bytes += 4 + (source.offsets[entry + 1] as number) - (source.offsets[entry] as number);
    }
    return bytes;
  }
}

/** The PLAIN size of the non-null BYTE_ARRAY values of `rows`: their entries' (`offsets`) lengths, 4 bytes each more. */
function plainBytesOf(offsets: ArrayLike<number>, rowEntries: Int32Array, rows: ValueRows, runs: RowRuns): number {
  const { validity, bitOffset } = rows;
  let bytes = 0;
  for (let p = 0; p < runs.length; p += 2) {
    const end = runs[p + 1] as number;
    for (let i = runs[p] as number; i < end; i++) {
      if (validity && ((validity[(bitOffset + i) >> 3] as number) & (1 << ((bitOffset + i) & 7))) === 0) continue;
      const entry = rowEntries[i] as number;
      bytes += 4 + (offsets[entry + 1] as number) - (offsets[entry] as number);
    }
  }
  return bytes;
}

/** The PLAIN size of the BYTE_ARRAY rows of `runs` (none null), from their column's value offsets: a subtraction a run. */
function runBytes(rowOffsets: ArrayLike<number>, runs: RowRuns): number {
  let bytes = 0;
  for (let p = 0; p < runs.length; p += 2) {
    const first = runs[p] as number;
    const end = runs[p + 1] as number;
    bytes += 4 * (end - first) + (rowOffsets[end] as number) - (rowOffsets[first] as number);
  }
  return bytes;
}
