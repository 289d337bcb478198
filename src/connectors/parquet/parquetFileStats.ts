import { parquetSchema, type ColumnMetaData, type SchemaElement, type Statistics, type SchemaTree } from 'hyparquet';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { formatDecimal } from '../../delta/predicate/decimal';
import { formatDate } from '../../delta/predicate/temporal';
import { isRecord } from '../../delta/schema';
import { JsonNumber, stringifyStats, type StatsJsonValue } from '../../delta/write/statsJson';
import { truncatedMax, truncatedMin } from '../../delta/write/statsStringBounds';
import type { ParquetFooter } from './parquetFooter';

type LeafKind =
  | { kind: 'int' } | { kind: 'float' } | { kind: 'boolean' } | { kind: 'string' } | { kind: 'date' }
  | { kind: 'timestamp'; unit: 'MILLIS' | 'MICROS' | 'NANOS'; utc: boolean }
  | { kind: 'decimal'; scale: number; physical: SchemaElement['type']; statsAsDoubles: boolean };

interface Leaf {
  /** Path of names from the root, as in the Delta stats tree (no column mapping on converted tables). */
  path: string[];
  kind: LeafKind;
  /** Whether the deprecated min/max fields are ordered like the values (signed comparison). */
  legacyOrderOk: boolean;
}

interface Accumulator {
  leaf: Leaf;
  nullCount: bigint | undefined;
  min: StatsJsonValue | undefined;
  max: StatsJsonValue | undefined;
  /** False once a row group with values has no usable bound. */
  boundsKnown: boolean;
  minRaw: Comparable | undefined;
  maxRaw: Comparable | undefined;
}

type Comparable = number | bigint | string | boolean;
type MinMaxType = NonNullable<Statistics['min']>;

const MICROS_PER_MS = 1000n;
const MAX_DATE_MS = 8.64e15;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Delta statistics JSON ("Per-file Statistics" in PROTOCOL.md) of a Parquet file from its
 * row-group column-chunk statistics: numRecords always; per leaf outside arrays and maps, nullCount
 * when every row group has one, and min/max when every row group with values has an exact bound.
 * Bounds use the forms our reader and Spark parse: decimals as JSON numbers with all their digits,
 * timestamps as ISO text in milliseconds (min rounded down, max up, so both stay bounds), dates
 * YYYY-MM-DD, strings cut to 32 characters only when a valid upper bound exists. Float and double
 * bounds are kept only from parquet-mr (Spark, Hive): readers take a finite max as proof that a file
 * has no NaN, which only writers ordering NaN above every number give (see floatBoundsIncludeNaN).
 */
export function statsFromParquetFooter(footer: ParquetFooter): string {
  const { metadata } = footer;
  const leaves = statsLeaves(parquetSchema(metadata));
  const byPath = new Map(leaves.map((leaf) => [leaf.path.join('\u0000'), newAccumulator(leaf)]));
  // Decoding the footer a second time for raw decimal bytes is a good part of the cost of a footer:
  // only done when a decimal bound is too large for hyparquet's double to hold it exactly.
  let rawDecimalStats: RawBounds[][] | undefined;
  const rawDecimal = (rowGroup: number, column: number): RawBounds | undefined =>
    (rawDecimalStats ??= rawStatistics(footer))[rowGroup]?.[column];

  metadata.row_groups.forEach((rowGroup, rowGroupIndex) => {
    rowGroup.columns.forEach((chunk, columnIndex) => {
      const meta = chunk.meta_data;
      const acc = meta && byPath.get(meta.path_in_schema.join('\u0000'));
      if (!acc || !meta) return;
      addChunk(acc, meta, rowGroup.num_rows, () => rawDecimal(rowGroupIndex, columnIndex));
    });
  });

  if (!floatBoundsIncludeNaN(metadata.created_by)) {
    for (const acc of byPath.values()) if (acc.leaf.kind.kind === 'float') acc.boundsKnown = false;
  }
  const minValues: Record<string, StatsJsonValue> = {};
  const maxValues: Record<string, StatsJsonValue> = {};
  const nullCount: Record<string, StatsJsonValue> = {};
  for (const acc of byPath.values()) {
    if (acc.nullCount !== undefined) setAt(nullCount, acc.leaf.path, new JsonNumber(String(acc.nullCount)));
    if (!acc.boundsKnown) continue;
    if (acc.min !== undefined) setAt(minValues, acc.leaf.path, acc.min);
    if (acc.max !== undefined) setAt(maxValues, acc.leaf.path, acc.max);
  }
  return stringifyStats({ numRecords: new JsonNumber(String(metadata.num_rows)), minValues, maxValues, nullCount });
}

/**
 * Whether a writer's float/double min/max account for NaN: parquet-mr orders NaN above every
 * number (a column with a NaN gets max NaN, or, in older versions, no bounds at all), while
 * parquet-cpp (pyarrow), arrow-rs (delta-rs, Polars) and others leave NaN out of them. An unknown
 * writer counts as one that leaves it out. The rule Delta's own footer-stats CONVERT follows
 * (StatsCollector.writerIncludesNaNInFloatingPointStats, delta-io/delta#7101).
 */
function floatBoundsIncludeNaN(createdBy: string | undefined): boolean {
  return createdBy?.startsWith('parquet-mr') ?? false;
}

/** Leaves reachable through plain (non-repeated, non-LIST/MAP) groups: the ones Delta keeps stats for. */
function statsLeaves(root: SchemaTree): Leaf[] {
  const out: Leaf[] = [];
  const visit = (node: SchemaTree): void => {
    const { element } = node;
    if (element.repetition_type === 'REPEATED') return;
    if (node.children.length > 0) {
      const annotation = element.logical_type?.type ?? element.converted_type;
      if (annotation === 'LIST' || annotation === 'MAP' || annotation === 'MAP_KEY_VALUE') return;
      node.children.forEach(visit);
      return;
    }
    const kind = leafKind(element);
    if (kind) out.push({ path: node.path, kind, legacyOrderOk: legacyOrderOk(element, kind) });
  };
  root.children.forEach(visit);
  return out;
}

function leafKind(element: SchemaElement): LeafKind | undefined {
  const logical = element.logical_type;
  const converted = element.converted_type;
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') {
    const scale = logical?.type === 'DECIMAL' ? logical.scale : element.scale ?? 0;
    // hyparquet divides decimal statistics by 10^scale into doubles only under this annotation.
    return { kind: 'decimal', scale, physical: element.type, statsAsDoubles: converted === 'DECIMAL' && (element.scale ?? 0) === scale };
  }
  switch (element.type) {
    case 'BOOLEAN': return { kind: 'boolean' };
    case 'FLOAT':
    case 'DOUBLE': return { kind: 'float' };
    case 'INT32':
      if (logical?.type === 'DATE' || converted === 'DATE') return { kind: 'date' };
      if (logical?.type === 'TIME' || converted === 'TIME_MILLIS') return undefined;
      return { kind: 'int' };
    case 'INT64':
      if (logical?.type === 'TIMESTAMP') return { kind: 'timestamp', unit: logical.unit, utc: logical.isAdjustedToUTC };
      if (converted === 'TIMESTAMP_MILLIS') return { kind: 'timestamp', unit: 'MILLIS', utc: true };
      if (converted === 'TIMESTAMP_MICROS') return { kind: 'timestamp', unit: 'MICROS', utc: true };
      if (logical?.type === 'TIME' || converted === 'TIME_MICROS') return undefined;
      // UINT_64 becomes decimal(20,0) in the schema; its stats stay integers.
      return { kind: 'int' };
    case 'BYTE_ARRAY': {
      const isString = logical?.type === 'STRING' || logical?.type === 'ENUM' || logical?.type === 'JSON'
        || converted === 'UTF8' || converted === 'ENUM' || converted === 'JSON';
      return isString ? { kind: 'string' } : undefined;
    }
    // INT96 statistics have an undefined sort order; binary columns get no Delta statistics.
    default:
      return undefined;
  }
}

/**
 * The deprecated `min`/`max` fields were written with signed comparison whatever the type
 * (PARQUET-686): trust them only where signed order is the value order.
 */
function legacyOrderOk(element: SchemaElement, kind: LeafKind): boolean {
  const unsigned = element.converted_type?.startsWith('UINT_')
    || (element.logical_type?.type === 'INTEGER' && !element.logical_type.isSigned);
  if (unsigned) return false;
  if (kind.kind === 'decimal') return kind.physical === 'INT32' || kind.physical === 'INT64';
  return kind.kind !== 'string';
}

function newAccumulator(leaf: Leaf): Accumulator {
  return { leaf, nullCount: 0n, min: undefined, max: undefined, boundsKnown: true, minRaw: undefined, maxRaw: undefined };
}

interface RawBounds { min?: Uint8Array; max?: Uint8Array; legacyMin?: Uint8Array; legacyMax?: Uint8Array }

function addChunk(acc: Accumulator, meta: ColumnMetaData, rows: bigint, rawDecimal: () => RawBounds | undefined): void {
  const stats = meta.statistics;
  const nulls = stats?.null_count;
  acc.nullCount = acc.nullCount === undefined || nulls === undefined ? undefined : acc.nullCount + nulls;
  if (nulls !== undefined && nulls === rows) return; // only nulls: no bound to contribute
  if (!stats) {
    acc.boundsKnown = false;
    return;
  }
  const hasNew = stats.min_value !== undefined || stats.max_value !== undefined;
  const useLegacy = !hasNew && acc.leaf.legacyOrderOk;
  let minSource: MinMaxType | Uint8Array | undefined = hasNew ? stats.min_value : useLegacy ? stats.min : undefined;
  let maxSource: MinMaxType | Uint8Array | undefined = hasNew ? stats.max_value : useLegacy ? stats.max : undefined;
  if (acc.leaf.kind.kind === 'decimal') {
    const { scale, statsAsDoubles } = acc.leaf.kind;
    const exact = statsAsDoubles && [minSource, maxSource].every((v) => v === undefined || exactUnscaled(v, scale) !== undefined);
    if (exact) {
      minSource = minSource === undefined ? undefined : exactUnscaled(minSource, scale);
      maxSource = maxSource === undefined ? undefined : exactUnscaled(maxSource, scale);
    } else {
      const raw = rawDecimal();
      minSource = hasNew ? raw?.min : useLegacy ? raw?.legacyMin : undefined;
      maxSource = hasNew ? raw?.max : useLegacy ? raw?.legacyMax : undefined;
    }
  }
  if (stats.is_min_value_exact === false) minSource = undefined;
  if (stats.is_max_value_exact === false) maxSource = undefined;
  const min = minSource === undefined ? undefined : comparable(minSource, acc.leaf.kind);
  const max = maxSource === undefined ? undefined : comparable(maxSource, acc.leaf.kind);
  if (min === undefined || max === undefined) {
    acc.boundsKnown = false;
    return;
  }
  if (acc.minRaw === undefined || min < acc.minRaw) {
    acc.minRaw = min;
    acc.min = jsonBound(min, acc.leaf.kind, 'min');
  }
  if (acc.maxRaw === undefined || max > acc.maxRaw) {
    acc.maxRaw = max;
    acc.max = jsonBound(max, acc.leaf.kind, 'max');
  }
  if (acc.min === undefined || acc.max === undefined) acc.boundsKnown = false;
}

/** A value that orders like the column (bigint ticks, unscaled decimals, decoded strings), or undefined. */
function comparable(value: MinMaxType | Uint8Array, kind: LeafKind): Comparable | undefined {
  switch (kind.kind) {
    case 'int':
      return typeof value === 'number' || typeof value === 'bigint' ? value : undefined;
    case 'float':
      return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date':
      return typeof value === 'number' ? value : undefined;
    case 'timestamp':
      return typeof value === 'bigint' ? value : undefined;
    case 'string':
      if (!(value instanceof Uint8Array)) return undefined;
      try {
        return utf8.decode(value);
      } catch {
        return undefined; // not UTF-8: no trustworthy bound
      }
    case 'decimal':
      if (typeof value === 'bigint') return value; // already unscaled (exactUnscaled)
      return value instanceof Uint8Array ? decimalFromBytes(value, kind.physical) : undefined;
  }
}

function jsonBound(value: Comparable, kind: LeafKind, role: 'min' | 'max'): StatsJsonValue | undefined {
  switch (kind.kind) {
    case 'int':
      return new JsonNumber(String(value));
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? new JsonNumber(String(value)) : undefined;
    case 'boolean':
      return value as boolean;
    case 'date':
      return formatDate(value as number);
    case 'decimal':
      return new JsonNumber(formatDecimal({ unscaled: value as bigint, scale: kind.scale }));
    case 'string':
      return role === 'min' ? truncatedMin(value as string) : truncatedMax(value as string);
    case 'timestamp':
      return timestampBound(value as bigint, kind, role);
  }
}

function timestampBound(ticks: bigint, kind: Extract<LeafKind, { kind: 'timestamp' }>, role: 'min' | 'max'): string | undefined {
  const perMs = kind.unit === 'MILLIS' ? 1n : kind.unit === 'MICROS' ? MICROS_PER_MS : MICROS_PER_MS * MICROS_PER_MS;
  let ms = ticks / perMs;
  const remainder = ticks % perMs;
  // bigint division truncates toward zero; round outward so the bound still holds.
  if (remainder !== 0n && (role === 'min') === (ticks < 0n)) ms += role === 'min' ? -1n : 1n;
  const millis = Number(ms);
  if (Math.abs(millis) > MAX_DATE_MS) return undefined;
  const iso = new Date(millis).toISOString();
  return kind.utc ? iso : iso.slice(0, -1);
}

/** Below this, an unscaled value survives hyparquet's `unscaled / 10^scale` double and back exactly. */
const EXACT_UNSCALED_LIMIT = 2 ** 50;

/**
 * The unscaled value of a decimal bound hyparquet turned into a double, when that is exact: the
 * division and the multiplication back each err by at most half an ulp, far below 0.5 for values
 * under 2^50 (scales up to 22 keep 10^scale exact).
 */
function exactUnscaled(value: MinMaxType | Uint8Array, scale: number): bigint | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || scale > 22) return undefined;
  const unscaled = value * 10 ** scale;
  return Math.abs(unscaled) < EXACT_UNSCALED_LIMIT ? BigInt(Math.round(unscaled)) : undefined;
}

/** Unscaled decimal from raw statistics bytes: little-endian INT32/INT64, else big-endian two's complement. */
function decimalFromBytes(bytes: Uint8Array, physical: SchemaElement['type']): bigint | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (physical === 'INT32') return bytes.byteLength === 4 ? BigInt(view.getInt32(0, true)) : undefined;
  if (physical === 'INT64') return bytes.byteLength === 8 ? view.getBigInt64(0, true) : undefined;
  if (bytes.byteLength === 0) return undefined;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  const bits = BigInt(bytes.byteLength * 8);
  return (bytes[0] as number) & 0x80 ? value - (1n << bits) : value;
}

/**
 * hyparquet turns decimal statistics into doubles, losing digits beyond 2^53; the raw Thrift
 * footer still has their bytes. Indexed [rowGroup][column].
 */
function rawStatistics(footer: ParquetFooter): RawBounds[][] {
  const view = new DataView(footer.bytes.buffer, footer.bytes.byteOffset, footer.bytes.byteLength);
  const raw: unknown = deserializeTCompactProtocol({ view, offset: 0 });
  const rowGroups = isRecord(raw) && Array.isArray(raw.field_4) ? raw.field_4 : [];
  return rowGroups.map((rowGroup: unknown) => {
    const columns = isRecord(rowGroup) && Array.isArray(rowGroup.field_1) ? rowGroup.field_1 : [];
    return columns.map((column: unknown) => {
      const meta = isRecord(column) && isRecord(column.field_3) ? column.field_3 : undefined;
      const stats = meta && isRecord(meta.field_12) ? meta.field_12 : {};
      return {
        max: bytesOrUndefined(stats.field_5),
        min: bytesOrUndefined(stats.field_6),
        legacyMax: bytesOrUndefined(stats.field_1),
        legacyMin: bytesOrUndefined(stats.field_2),
      };
    });
  });
}

function bytesOrUndefined(value: unknown): Uint8Array | undefined {
  return value instanceof Uint8Array ? value : undefined;
}

function setAt(tree: Record<string, StatsJsonValue>, path: readonly string[], value: StatsJsonValue): void {
  let node = tree;
  for (const name of path.slice(0, -1)) {
    const child = node[name];
    if (isRecord(child) && !(child instanceof JsonNumber)) node = child as Record<string, StatsJsonValue>;
    else {
      const created: Record<string, StatsJsonValue> = {};
      node[name] = created;
      node = created;
    }
  }
  node[path[path.length - 1] as string] = value;
}
