import type { Data, RecordBatch } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { DeltaError } from '../errors';
import { compareValues, type NonNullValue } from '../predicate/typedValue';
import type { StructField } from '../schema';
import { parsePartitionValue } from '../stats/partitionValue';
import { NumberKeyTable } from './numberKeyTable';
import { partitionValueAt } from './partitionPath';
import { RankedKeyBitmap } from './rankedKeyBitmap';

/** A source row: its batch (index into the sources) and row; `duplicate` when another source row has its key. */
export interface SourceEntry { batch: number; row: number; duplicate: boolean }

/** The source row whose key equals a target row's key, or undefined (no match, or a NULL key). */
export type KeyProbe = (row: number) => SourceEntry | undefined;

/** A target batch's rows that have a source row (ascending), and that source row of each. */
export interface KeyHits { rows: number[]; refs: SourceEntry[] }

const NUMBER_KEY_TYPES = new Set(['byte', 'short', 'integer', 'date', 'long', 'timestamp', 'timestamp_ntz']);
/** Those whose Arrow values are 64-bit (BigInt64Array): their range values are bigints. */
const BIGINT_KEY_TYPES = new Set(['long', 'timestamp', 'timestamp_ntz']);

/**
 * MERGE's index of source rows by key. A single integral, date or timestamp key is held in a
 * NumberKeyTable probed straight from the column's typed array (int64 values beyond 2^53 go to the
 * string map); other keys use their log text form, one string per key. Keys with a NULL part
 * match nothing (SQL equality), and are not indexed.
 */
export class MergeKeyIndex {
  /**
   * Number keys by id (their place in source order): the source row of each, and whether another
   * source row has its key. Typed arrays rather than an entry object per source row, since a
   * source holds millions of rows and a probe finds few of them.
   */
  private readonly numberBatches: Int32Array;
  private readonly numberRows: Int32Array;
  private readonly numberDuplicates: Uint8Array;
  private readonly distinctNumbers: number;
  private readonly numbers: RankedKeyBitmap | NumberKeyTable;
  private readonly strings = new Map<string, SourceEntry>();
  private readonly numeric: boolean;
  /** Per key column: [min, max] of the source keys (empty when unknown), for file skipping. */
  readonly ranges: NonNullValue[][];

  constructor(sources: readonly RecordBatch[], private readonly keyFields: readonly StructField[]) {
    const type = keyFields[0]?.type;
    this.numeric = keyFields.length === 1 && type?.kind === 'primitive' && NUMBER_KEY_TYPES.has(type.name);
    const ranges: Array<{ min?: NonNullValue; max?: NonNullValue }> = keyFields.map(() => ({}));
    const widen = (i: number, value: NonNullValue): void => {
      const range = ranges[i]!;
      if (range.min === undefined || compareValues(value, range.min) < 0) range.min = value;
      if (range.max === undefined || compareValues(value, range.max) > 0) range.max = value;
    };
    // Number keys are gathered first: the table's layout depends on their range and count. Typed
    // arrays sized for every source row: growing arrays of a million numbers made ~110 MB of
    // short-lived garbage per MERGE of the writer bench.
    const sourceRows = sources.reduce((n, batch) => n + batch.numRows, 0);
    const numberKeys = this.numeric ? new Float64Array(sourceRows) : new Float64Array(0);
    const batches = new Int32Array(numberKeys.length);
    const rows = new Int32Array(numberKeys.length);
    let numbered = 0;
    let min = Infinity;
    let max = -Infinity;
    sources.forEach((batch, b) => {
      const columns = this.keyColumns(batch);
      const fast = this.numeric ? numberKeysOf(columns[0]!) : undefined;
      for (let row = 0; row < batch.numRows; row++) {
        if (fast) {
          const key = fast(row);
          if (key === undefined) continue;
          if (typeof key === 'string') {
            this.addText(key, { batch: b, row, duplicate: false });
            // An int64 beyond 2^53, in text form: it widens the range itself.
            widen(0, BigInt(key));
            continue;
          }
          numberKeys[numbered] = key;
          batches[numbered] = b;
          rows[numbered] = row;
          numbered++;
          if (key < min) min = key;
          if (key > max) max = key;
          continue;
        }
        const key = textKey(columns, keyFields, row);
        if (key === undefined) continue;
        this.addText(key, { batch: b, row, duplicate: false });
        keyFields.forEach((field, i) => {
          // Binary keys have no text form that orders like the bytes: no range, every file is read.
          if (field.type.kind === 'primitive' && field.type.name === 'binary') return;
          widen(i, parsePartitionValue(partitionValueAt(columns[i]!, row, field.type, false), field.type) as NonNullValue);
        });
      }
    });
    if (numbered > 0) {
      // The range of the keys read as numbers, in the column's value type (bigint for int64 and timestamps).
      const bigints = type?.kind === 'primitive' && BIGINT_KEY_TYPES.has(type.name);
      widen(0, bigints ? BigInt(min) : min);
      widen(0, bigints ? BigInt(max) : max);
    }
    this.numberBatches = batches.subarray(0, numbered);
    this.numberRows = rows.subarray(0, numbered);
    const duplicates = new Uint8Array(numbered);
    this.numberDuplicates = duplicates;
    let distinct = 0;
    if (RankedKeyBitmap.fits(min, max, numbered)) {
      const bitmap = new RankedKeyBitmap(min, max, numberKeys.subarray(0, numbered), (first) => { duplicates[first] = 1; });
      this.numbers = bitmap;
      distinct = bitmap.size;
    } else {
      const table = new NumberKeyTable(numbered > 0 ? min : 0, numbered > 0 ? max : 0, numbered);
      this.numbers = table;
      for (let i = 0; i < numbered; i++) {
        const existing = table.insert(numberKeys[i] as number, i);
        if (existing >= 0) duplicates[existing] = 1;
        else distinct++;
      }
    }
    this.distinctNumbers = distinct;
    this.ranges = ranges.map((r) => (r.min !== undefined && r.max !== undefined ? [r.min, r.max] : []));
  }

  get size(): number {
    return this.distinctNumbers + this.strings.size;
  }

  /** A probe over one target batch's key columns. */
  probe(batch: RecordBatch): KeyProbe {
    const columns = this.keyColumns(batch);
    const fast = this.numeric ? numberKeysOf(columns[0]!) : undefined;
    if (fast) {
      const { numbers, strings } = this;
      return (row) => {
        const key = fast(row);
        if (key === undefined) return undefined;
        if (typeof key === 'string') return strings.get(key);
        const id = numbers.get(key);
        return id < 0 ? undefined : this.numberEntry(id);
      };
    }
    return (row) => {
      const key = textKey(columns, this.keyFields, row);
      return key === undefined ? undefined : this.strings.get(key);
    };
  }

  /**
   * The target rows of one batch that have a source row. MERGE asks this of every target row and
   * about 1% match: an int64 key column without NULLs over a bitmap is read in one loop (no call
   * per row); other keys go through the probe.
   */
  hits(batch: RecordBatch): KeyHits {
    const hits: KeyHits = { rows: [], refs: [] };
    const data = this.numeric ? this.keyColumns(batch)[0]! : undefined;
    const values: unknown = data?.values;
    if (data && data.nullCount === 0 && values instanceof BigInt64Array && this.numbers instanceof RankedKeyBitmap) {
      this.int64Hits(this.numbers, values, batch.numRows, hits);
      return hits;
    }
    const probe = this.probe(batch);
    for (let row = 0; row < batch.numRows; row++) {
      const ref = probe(row);
      if (ref === undefined) continue;
      hits.rows.push(row);
      hits.refs.push(ref);
    }
    return hits;
  }

  /** hits() of int64 keys without NULLs: as numberKeysOf reads them, beyond 2^53 in text form. */
  private int64Hits(bitmap: RankedKeyBitmap, values: BigInt64Array, rows: number, hits: KeyHits): void {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const { bits, min } = bitmap;
    const span = bits.length * 32;
    for (let row = 0; row < rows; row++) {
      const at = 2 * row;
      const high = words[at + 1]!;
      let ref: SourceEntry | undefined;
      if (isSafeHigh(high)) {
        const index = high * 4294967296 + (words[at]! >>> 0) - min;
        if (!(index >= 0 && index < span) || ((bits[index >>> 5]! >>> (index & 31)) & 1) === 0) continue;
        ref = this.numberEntry(bitmap.idAt(index));
      } else {
        ref = this.strings.get(String(values[row]!));
        if (ref === undefined) continue;
      }
      hits.rows.push(row);
      hits.refs.push(ref);
    }
  }

  private numberEntry(id: number): SourceEntry {
    return { batch: this.numberBatches[id]!, row: this.numberRows[id]!, duplicate: this.numberDuplicates[id] === 1 };
  }

  private addText(key: string, entry: SourceEntry): void {
    const existing = this.strings.get(key);
    if (existing) existing.duplicate = true;
    else this.strings.set(key, entry);
  }

  private keyColumns(batch: RecordBatch): Data[] {
    return this.keyFields.map((field) => {
      const index = batch.schema.fields.findIndex((f) => f.name === field.name);
      const data = batch.data.children[index];
      if (index < 0 || !data) throw new DeltaError('DELTA_INVALID_ARGUMENT', `MERGE key column "${field.name}" is missing from the rows.`);
      return data;
    });
  }
}

/**
 * Reads a one-column key from the typed array: a number, or for an int64 beyond 2^53 its decimal
 * text (so it cannot collide with a rounded number); undefined for NULL. Undefined as a whole when
 * the column is not a plain integer array (then the text key is used).
 */
function numberKeysOf(data: Data): ((row: number) => number | string | undefined) | undefined {
  // Arrow slices the values with the data (values[row] is row `row`); `offset` is the null bitmap's.
  const values: unknown = data.values;
  const nulls = data.nullCount > 0;
  if (values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array) {
    return nulls ? (row) => (isValidAt(data, row) ? values[row]! : undefined) : (row) => values[row]!;
  }
  if (values instanceof BigInt64Array) {
    // Reading a BigInt64Array element allocates a BigInt; the two 32-bit halves do not.
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    return (row) => {
      if (nulls && !isValidAt(data, row)) return undefined;
      const at = 2 * row;
      const high = words[at + 1]!;
      if (isSafeHigh(high)) return high * 4294967296 + (words[at]! >>> 0);
      return String(values[row]!);
    };
  }
  return undefined;
}

/** Whether an int64 with this high 32-bit half (within +-2^21) is within [-2^53, 2^53), which a double holds exactly. */
function isSafeHigh(high: number): boolean {
  return high >= -0x200000 && high < 0x200000;
}

/** The key of a row: its key cells in log text form; undefined when one is NULL (NULL never matches). */
function textKey(columns: readonly Data[], keyFields: readonly StructField[], row: number): string | undefined {
  if (columns.length === 1) return partitionValueAt(columns[0]!, row, keyFields[0]!.type, false) ?? undefined;
  const cells: string[] = [];
  for (const [i, field] of keyFields.entries()) {
    const cell = partitionValueAt(columns[i]!, row, field.type, false);
    if (cell === null) return undefined;
    cells.push(cell);
  }
  return JSON.stringify(cells);
}
