import { DataType, type Data, type RecordBatch } from 'apache-arrow';

/** arrow-rs' defaults: a column chunk's dictionary page may hold 1 MiB, a row group 1,048,576 rows. */
const DICTIONARY_PAGE_LIMIT = 1024 * 1024;
const DEFAULT_ROW_GROUP_ROWS = 1024 * 1024;
/**
 * The first rows of the batch are the sample: enough to see a column of 65,536 distinct values
 * repeat (a dictionary of 8-byte values that fits in half a page), and its first data pages are
 * what arrow-rs' dictionary would meet first anyway.
 */
const SAMPLE_ROWS = 131_072;
/** Fewer non-null values than this say too little: the column keeps its dictionary. */
const MIN_SAMPLE = 16_384;
/** Every value distinct after this many: the column is taken as unique (see SAMPLE_ROWS). */
const EARLY_UNIQUE = 65_536;
/** Open addressing over 32-bit hashes, more than twice the sample's slots. */
const SLOT_BITS = 18;
const slots = new Int32Array(1 << SLOT_BITS);

/**
 * The top-level columns of `batch` not worth a Parquet dictionary: arrow-rs tries a dictionary for
 * every column and, once a column chunk's dictionary outgrows its page limit (1 MiB), falls back to
 * PLAIN for the rest of the chunk. For a high-cardinality column (ids, timestamps, prices, names)
 * that is hashing and copying wasted on up to a page of values per row group, and the
 * dictionary-coded pages written before the fallback compress worse under ZSTD than PLAIN (1M
 * bench rows: 1.27 s and 18.0 MiB with those columns PLAIN, 1.67 s and 19.6 MiB with every
 * column tried). From `d` distinct values among the `n` first ones, the column's distinct values
 * `D` are estimated by solving d = D (1 - e^(-n/D)) (distinct values seen in n draws from D
 * equally likely ones), and from D those of a full row group: when they would not fit in the
 * dictionary page, or every sampled value is distinct (a dictionary then only adds bytes), the
 * column is written PLAIN. A column that repeats keeps its dictionary, and arrow-rs still falls
 * back where a later row group differs, so the choice only drops work arrow-rs would throw away;
 * the one loss is a column whose first values are all distinct but which repeats later within a
 * dictionary page (it is written PLAIN, and ZSTD recovers part of the difference). Nested columns
 * and booleans (never dictionary-encoded) are left alone, and so is every column of a batch too
 * small to judge from.
 */
export function plainColumns(batch: RecordBatch, rowGroupRows = DEFAULT_ROW_GROUP_ROWS): string[] {
  const out: string[] = [];
  if (batch.numRows < MIN_SAMPLE) return out;
  batch.schema.fields.forEach((field, i) => {
    const data = batch.data.children[i];
    if (!data) return;
    const sample = sampleDistinct(data);
    if (!sample || sample.values < MIN_SAMPLE) return;
    if (sample.distinct === sample.values) {
      out.push(field.name);
      return;
    }
    const columnDistinct = estimateDistinct(sample.distinct, sample.values);
    const rowGroupDistinct = columnDistinct * (1 - Math.exp(-rowGroupRows / columnDistinct));
    if (rowGroupDistinct * sample.bytesPerValue > DICTIONARY_PAGE_LIMIT) out.push(field.name);
  });
  return out;
}

interface Sample { values: number; distinct: number; bytesPerValue: number }

/** Distinct values among the first non-null rows, counted as 32-bit hashes of their bytes (a collision is rare at this size and only lowers the count). */
function sampleDistinct(data: Data): Sample | undefined {
  const variable = DataType.isUtf8(data.type) || DataType.isBinary(data.type);
  const width = variable ? undefined : fixedWidth(data);
  if (!variable && width === undefined) return undefined;
  const buffer = data.values as unknown;
  if (!ArrayBuffer.isView(buffer)) return undefined;
  const raw = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const offsets = variable ? (data.valueOffsets as Int32Array) : undefined;
  const step = width ?? 0;
  const rows = Math.min(data.length, SAMPLE_ROWS);
  const nullable = data.nullCount > 0;
  const mask = (1 << SLOT_BITS) - 1;
  slots.fill(0);
  let values = 0;
  let distinct = 0;
  let valueBytes = 0;
  for (let row = 0; row < rows; row++) {
    if (nullable && !data.getValid(row)) continue;
    const start = offsets ? (offsets[row] as number) : row * step;
    const end = offsets ? (offsets[row + 1] as number) : start + step;
    // 0 marks an empty slot, so a hash is never 0.
    const key = hashBytes(raw, start, end) | 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> (32 - SLOT_BITS);
    let held = slots[slot] as number;
    while (held !== 0 && held !== key) {
      slot = (slot + 1) & mask;
      held = slots[slot] as number;
    }
    if (held === 0) {
      slots[slot] = key;
      distinct++;
    }
    values++;
    valueBytes += end - start;
    // Enough seen to decide: a column repeating every value 64 times or more on average, or one
    // distinct throughout more rows than a dictionary page of 8-byte values holds at half its size.
    if ((values & 4095) === 0 && values >= MIN_SAMPLE && (distinct * 64 <= values || (distinct === values && values > EARLY_UNIQUE))) break;
  }
  // A dictionary page stores a byte array with its 4-byte length.
  const bytesPerValue = values === 0 ? 0 : valueBytes / values + (offsets ? 4 : 0);
  return { values, distinct, bytesPerValue };
}

/** A 32-bit hash of bytes [start, end), four at a time (murmur3-style mixing). */
function hashBytes(raw: Uint8Array, start: number, end: number): number {
  let hash = end - start;
  let at = start;
  for (; at + 4 <= end; at += 4) {
    const word = (raw[at] as number) | ((raw[at + 1] as number) << 8) | ((raw[at + 2] as number) << 16) | ((raw[at + 3] as number) << 24);
    hash = Math.imul(hash ^ Math.imul(word, 0xcc9e2d51), 0x1b873593);
    hash = (hash << 13) | (hash >>> 19);
  }
  for (; at < end; at++) hash = Math.imul(hash ^ (raw[at] as number), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  return hash ^ (hash >>> 13);
}

/** Bytes per value of a fixed-width primitive column, undefined for other layouts and booleans. */
function fixedWidth(data: Data): number | undefined {
  const type = data.type;
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDate(type) || DataType.isTime(type)
    || DataType.isTimestamp(type) || DataType.isDecimal(type) || DataType.isFixedSizeBinary(type) || DataType.isDuration(type)) {
    const values = data.values as { BYTES_PER_ELEMENT?: number };
    // Elements per row: decimals and fixed-size binaries span several elements of their array.
    return (values.BYTES_PER_ELEMENT ?? 1) * data.stride;
  }
  return undefined;
}

/** D such that D (1 - e^(-n/D)) = d, for d < n distinct values among n draws (bisection; the left side grows with D). */
function estimateDistinct(distinct: number, drawn: number): number {
  const seen = (d: number): number => d * (1 - Math.exp(-drawn / d));
  let low = distinct;
  let high = distinct * 2;
  while (seen(high) < distinct && high < 2 ** 40) high *= 2;
  for (let i = 0; i < 50; i++) {
    const mid = (low + high) / 2;
    if (seen(mid) < distinct) low = mid;
    else high = mid;
  }
  return high;
}
