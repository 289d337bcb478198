import { DataType as ArrowType, type Data, type RecordBatch } from 'apache-arrow';
import { DeltaError } from '../errors';
import type { FlatColumnStatistics } from '../../parquet/flatEncoder/flatParquetEncoder';
import { PhysicalType } from '../../parquet/flatEncoder/flatColumn';
import { formatDecimal } from '../predicate/decimal';
import { formatDate } from '../predicate/temporal';
import { compareBytes } from '../predicate/typedValue';
import { physicalName, type ColumnMappingMode, type DataType, type StructType } from '../schema';
import { containsNaN, int128Bounds, int64Bounds, numberBounds, presenceMask, utf8Bounds, type BatchBounds, type Bound } from './leafBounds';
import { JsonNumber, stringifyStats, type StatsJsonValue } from './statsJson';
import { truncatedMax, truncatedMin } from './statsStringBounds';

/** Spark's default for `delta.dataSkippingNumIndexedCols`. */
export const DEFAULT_INDEXED_COLUMNS = 32;

export interface StatsOptions {
  /** `delta.dataSkippingNumIndexedCols`: leaf columns with statistics, in schema order; -1 for all. */
  numIndexedCols?: number;
  /** `delta.dataSkippingStatsColumns`: these columns (and the leaves of these structs) instead. */
  statsColumns?: string[];
  /** Written as `tightBounds` (tables with deletion vectors record it). */
  tightBounds?: boolean;
}

/** The statistics options a table's properties ask for ("Per-file Statistics" in PROTOCOL.md). */
export function statsOptionsFromProperties(properties: Readonly<Record<string, string>>, tightBounds: boolean): StatsOptions {
  const options: StatsOptions = {};
  const columns = properties['delta.dataSkippingStatsColumns'];
  if (columns !== undefined && columns.trim() !== '') {
    options.statsColumns = columns.split(',').map((c) => c.trim()).filter((c) => c !== '');
  }
  const count = properties['delta.dataSkippingNumIndexedCols'];
  if (count !== undefined) {
    const n = Number(count);
    if (!Number.isInteger(n) || n < -1) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `delta.dataSkippingNumIndexedCols must be an integer >= -1, got "${count}".`);
    }
    options.numIndexedCols = n;
  }
  if (tightBounds) options.tightBounds = true;
  return options;
}

type LeafKind = 'number' | 'float' | 'bigint' | 'timestamp' | 'timestamp_ntz' | 'date' | 'decimal' | 'string' | 'countOnly';

interface Leaf {
  /** Logical names from the top-level field down. */
  path: string[];
  /** The index of its top-level field in the schema: its column in a flat file. */
  column: number;
  physicalPath: string[];
  kind: LeafKind;
  scale: number;
  nullCount: number;
  min?: Bound;
  max?: Bound;
  /** A float/double leaf held a NaN: its max is then unknown to a reader (see formatBound). */
  sawNaN?: boolean;
}

/**
 * Accumulates one data file's statistics while its batches are written: numRecords, and per
 * indexed leaf column nullCount plus min/max where Spark records them (numbers, strings, dates,
 * timestamps, decimals; booleans, binaries and nested collections get nullCount only). Values are
 * read from the Arrow buffers, so longs, decimals and microseconds stay exact.
 */
export class StatsCollector {
  private numRecords = 0;
  private readonly leaves: Leaf[];

  /** `schema` holds the columns stored in the file (partition columns excluded), logical names. */
  constructor(schema: StructType, mode: ColumnMappingMode, private readonly options: StatsOptions = {}) {
    this.leaves = selectLeaves(schema, mode, options);
  }

  /** Adds a batch whose top-level columns are found by logical name (extra columns are ignored). */
  add(batch: RecordBatch): void {
    this.numRecords += batch.numRows;
    for (const leaf of this.leaves) {
      const chain = leafChain(batch, leaf.path);
      accumulate(leaf, chain, batch.numRows);
    }
  }

  /**
   * Adds the statistics the flat Parquet encoder gathered while it wrote `rows` rows of a file of
   * this schema (no struct: column i is the schema's field i). The same statistics as `add` would
   * collect from those rows, without a second pass over their values.
   */
  addEncoded(rows: number, columns: readonly FlatColumnStatistics[]): void {
    this.numRecords += rows;
    for (const leaf of this.leaves) {
      const column = columns[leaf.column];
      if (!column || leaf.path.length !== 1) {
        throw new DeltaError('DELTA_SCHEMA_MISMATCH', `Cannot collect statistics: the file has no flat column ${leaf.path.join('.')}.`);
      }
      leaf.nullCount += column.nulls;
      if (leaf.kind === 'float' && column.sawNaN) leaf.sawNaN = true;
      if (leaf.kind === 'countOnly' || !column.bounds) continue;
      const min = boundFromPlain(leaf.kind, column.physicalType, column.bounds.min);
      const max = boundFromPlain(leaf.kind, column.physicalType, column.bounds.max);
      const compare = leaf.kind === 'string' ? compareByteBounds : compareNumericBounds;
      if (leaf.min === undefined || compare(min, leaf.min) < 0) leaf.min = min;
      if (leaf.max === undefined || compare(max, leaf.max) > 0) leaf.max = max;
    }
  }

  /** The `add.stats` JSON (keys are physical names, nested like the schema's structs). */
  toJson(): string {
    const minValues: Record<string, StatsJsonValue> = {};
    const maxValues: Record<string, StatsJsonValue> = {};
    const nullCount: Record<string, StatsJsonValue> = {};
    for (const leaf of this.leaves) {
      setPath(nullCount, leaf.physicalPath, leaf.nullCount);
      const min = leaf.min === undefined ? undefined : formatBound(leaf, leaf.min, 'min');
      const max = leaf.max === undefined ? undefined : formatBound(leaf, leaf.max, 'max');
      if (min !== undefined) setPath(minValues, leaf.physicalPath, min);
      if (max !== undefined) setPath(maxValues, leaf.physicalPath, max);
    }
    const stats: Record<string, StatsJsonValue> = { numRecords: this.numRecords, minValues, maxValues, nullCount };
    if (this.options.tightBounds !== undefined) stats.tightBounds = this.options.tightBounds;
    return stringifyStats(stats);
  }

  get rows(): number {
    return this.numRecords;
  }
}

function selectLeaves(schema: StructType, mode: ColumnMappingMode, options: StatsOptions): Leaf[] {
  const all: Leaf[] = [];
  const visit = (struct: StructType, path: string[], physicalPath: string[], top: number | undefined): void => {
    struct.fields.forEach((field, index) => {
      const column = top ?? index;
      const fieldPath = [...path, field.name];
      const fieldPhysical = [...physicalPath, physicalName(field, mode)];
      if (field.type.kind === 'struct') visit(field.type, fieldPath, fieldPhysical, column);
      else all.push({ path: fieldPath, column, physicalPath: fieldPhysical, kind: leafKind(field.type), scale: scaleOf(field.type), nullCount: 0 });
    });
  };
  visit(schema, [], [], undefined);
  if (options.statsColumns) {
    const wanted = options.statsColumns.map((c) => c.split('.').map((part) => part.replace(/^`|`$/g, '').toLowerCase()));
    return all.filter((leaf) => wanted.some((w) => w.every((part, i) => leaf.path[i]?.toLowerCase() === part)));
  }
  const n = options.numIndexedCols ?? DEFAULT_INDEXED_COLUMNS;
  return n < 0 ? all : all.slice(0, n);
}

function leafKind(type: DataType): LeafKind {
  if (type.kind === 'decimal') return 'decimal';
  if (type.kind !== 'primitive') return 'countOnly';
  switch (type.name) {
    case 'byte':
    case 'short':
    case 'integer':
      return 'number';
    case 'float':
    case 'double':
      return 'float';
    case 'long':
      return 'bigint';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'timestamp_ntz':
      return 'timestamp_ntz';
    case 'string':
      return 'string';
    default:
      return 'countOnly';
  }
}

function scaleOf(type: DataType): number {
  return type.kind === 'decimal' ? type.scale : 0;
}

/** The Data of each struct level down to the leaf. */
function leafChain(batch: RecordBatch, path: readonly string[]): Data[] {
  const chain: Data[] = [];
  let fields = batch.schema.fields;
  let children = batch.data.children;
  for (const name of path) {
    const index = fields.findIndex((f) => f.name === name);
    const data = children[index];
    if (!data) {
      throw new DeltaError('DELTA_SCHEMA_MISMATCH', `Cannot collect statistics: the batch has no column ${path.join('.')}.`);
    }
    chain.push(data);
    fields = ArrowType.isStruct(data.type) ? data.type.children : [];
    children = data.children;
  }
  return chain;
}

function accumulate(leaf: Leaf, chain: Data[], length: number): void {
  const data = chain.at(-1) as Data;
  const { mask, nulls } = presenceMask(chain, length);
  leaf.nullCount += nulls;
  if (leaf.kind === 'float' && leaf.sawNaN !== true) leaf.sawNaN = containsNaN(data.values as ArrayLike<number>, length, mask);
  const bounds = batchBounds(leaf.kind, data, length, mask);
  if (!bounds) return;
  const compare = leaf.kind === 'string' ? compareByteBounds : compareNumericBounds;
  if (leaf.min === undefined || compare(bounds.min, leaf.min) < 0) leaf.min = bounds.min;
  if (leaf.max === undefined || compare(bounds.max, leaf.max) > 0) leaf.max = bounds.max;
}

function batchBounds(kind: LeafKind, data: Data, length: number, mask: Uint8Array | undefined): BatchBounds | undefined {
  switch (kind) {
    case 'countOnly':
      return undefined;
    case 'number':
    case 'date':
    case 'float':
      return numberBounds(data.values as ArrayLike<number>, length, mask);
    case 'bigint':
    case 'timestamp':
    case 'timestamp_ntz':
      return int64Bounds(data.values as BigInt64Array, length, mask);
    case 'decimal':
      return int128Bounds(data.values as Uint32Array, length, mask);
    case 'string':
      return utf8Bounds(data.valueOffsets as Int32Array, data.values as Uint8Array, length, mask);
  }
}

/** A Parquet PLAIN bound (little-endian numbers, big-endian two's complement decimal bytes) as `add` would hold it. */
function boundFromPlain(kind: LeafKind, physicalType: number, bytes: Uint8Array): Bound {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (physicalType) {
    case PhysicalType.INT32:
      return kind === 'decimal' ? BigInt(view.getInt32(0, true)) : view.getInt32(0, true);
    case PhysicalType.INT64:
      return view.getBigInt64(0, true);
    case PhysicalType.FLOAT:
      return view.getFloat32(0, true);
    case PhysicalType.DOUBLE:
      return view.getFloat64(0, true);
    case PhysicalType.FIXED_LEN_BYTE_ARRAY:
      return BigInt.asIntN(bytes.length * 8, bytes.reduce((n, byte) => (n << 8n) | BigInt(byte), 0n));
    default:
      return bytes;
  }
}

function compareNumericBounds(a: Bound, b: Bound): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareByteBounds(a: Bound, b: Bound): number {
  return compareBytes(a as Uint8Array, b as Uint8Array, 0, (b as Uint8Array).length);
}

const decoder = new TextDecoder();

function formatBound(leaf: Leaf, value: Bound, role: 'min' | 'max'): StatsJsonValue | undefined {
  switch (leaf.kind) {
    case 'number':
      return value as number;
    case 'float':
      // Readers (Spark, delta-kernel-rs, ours) order NaN above every number, so a finite max
      // claims the file has no NaN and lets `d > v` skip it. With a NaN the max is left out (Spark
      // writes "NaN"; both keep the file). JSON has no infinities; leaving them out is safe too.
      if (role === 'max' && leaf.sawNaN === true) return undefined;
      return Number.isFinite(value) ? new JsonNumber(String(value)) : undefined;
    case 'bigint':
      return new JsonNumber(String(value));
    case 'decimal':
      return new JsonNumber(formatDecimal({ unscaled: value as bigint, scale: leaf.scale }));
    case 'date':
      return formatDate(value as number);
    case 'timestamp':
    case 'timestamp_ntz':
      return formatStatsTimestamp(value as bigint, leaf.kind === 'timestamp');
    case 'string': {
      const text = decoder.decode(value as Uint8Array);
      return role === 'min' ? truncatedMin(text) : truncatedMax(text);
    }
    case 'countOnly':
      return undefined;
  }
}

const MICROS_PER_DAY = 86_400_000_000n;

/**
 * The form Spark writes timestamp statistics in: milliseconds, `yyyy-MM-dd'T'HH:mm:ss.SSS` plus
 * `Z` for zoned timestamps. Microseconds are cut off for min and max alike, as Spark does; readers
 * widen a max by 999µs for that reason.
 */
export function formatStatsTimestamp(micros: bigint, zoned: boolean): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  const ms = Number(rest / 1000n);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const time = `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
  return `${formatDate(Number(days))}T${time}${zoned ? 'Z' : ''}`;
}

function setPath(target: Record<string, StatsJsonValue>, path: readonly string[], value: StatsJsonValue): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && !(next instanceof JsonNumber)) {
      node = next;
    } else {
      const created: Record<string, StatsJsonValue> = {};
      node[key] = created;
      node = created;
    }
  }
  node[path.at(-1) as string] = value;
}
