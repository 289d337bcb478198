import { parquetSchema, type SchemaElement, type SchemaTree } from 'hyparquet';
import { formatDecimal } from '../../delta/predicate/decimal';
import { formatDate } from '../../delta/predicate/temporal';
import { schemaToString } from '../../delta/schema';
import { STATS_STRING_PREFIX_LENGTH, truncatedMax, truncatedMin } from '../../delta/write/statsStringBounds';
import { decodeFooterFields, type FooterFields, type RawChunkStatistics } from './footerFields';
import { corruptParquet, decodeParquetFooter, FOOTER_TRAILER_BYTES } from './parquetFooter';
import { deltaSchemaFromParquet, nanosecondTimestampColumns } from './parquetToDeltaSchema';

/** What CONVERT keeps of one Parquet file's footer. */
export interface ParquetFileSummary {
  /** The file's Delta schema as JSON (schemaToString); files with equal schemas share the string. */
  schema: string;
  /** Delta statistics JSON ("Per-file Statistics" in PROTOCOL.md). */
  stats: string;
  rows: number;
  /** Dotted paths of TIMESTAMP(NANOS) columns (see nanosecondTimestampColumns). */
  nanosecondColumns: readonly string[];
}

type LeafKind =
  | { kind: 'int'; physical: 'INT32' | 'INT64'; unsigned: boolean } | { kind: 'float'; double: boolean } | { kind: 'boolean' }
  | { kind: 'string' } | { kind: 'date' }
  | { kind: 'timestamp'; unit: 'MILLIS' | 'MICROS' | 'NANOS'; utc: boolean }
  | { kind: 'decimal'; scale: number; physical: SchemaElement['type'] };

interface Leaf {
  kind: LeafKind;
  /** Whether the deprecated min/max fields are ordered like the values (signed comparison). */
  legacyOrderOk: boolean;
}

/** A level of the statistics JSON tree: a leaf column (by its index among the footer's column chunks) or a struct. */
interface StatsNode {
  /** The field name, JSON-quoted. */
  key: string;
  column: number | undefined;
  children: StatsNode[];
}

/** Everything that depends only on a file's schema, worked out once per distinct schema. */
interface SchemaPlan {
  schema: string;
  nanosecondColumns: string[];
  /** Per column chunk (schema leaf order): how to read its statistics, or undefined when Delta keeps none. */
  leaves: Array<Leaf | undefined>;
  tree: StatsNode[];
}

type Comparable = number | bigint | string | boolean;

const MICROS_PER_MS = 1000n;
const MAX_DATE_MS = 8.64e15;
/** Distinct schemas remembered; a folder of more (unusual) still converts, deriving the others per file. */
const MAX_CACHED_SCHEMAS = 256;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Reads what CONVERT needs from Parquet footers: the Delta schema, statistics and row count. Only
 * the fields needed are decoded (footerFields.ts); the schema is derived through hyparquet once
 * per distinct encoded schema (thousands of files usually share one), keyed by its bytes.
 */
export class ParquetFooterSummarizer {
  private readonly plans = new Map<string, SchemaPlan>();

  /** `footer`: the footer bytes ending with `<length><PAR1>`; `path` names the file in errors. */
  summarize(footer: Uint8Array, path: string): ParquetFileSummary {
    let fields: FooterFields;
    try {
      fields = decodeFooterFields(footer.subarray(0, footer.byteLength - FOOTER_TRAILER_BYTES));
    } catch (error) {
      throw corruptParquet(path, error instanceof Error ? error.message : String(error));
    }
    const key = latin1.decode(fields.schemaBytes);
    let plan = this.plans.get(key);
    if (!plan) {
      plan = schemaPlan(footer, path);
      if (this.plans.size < MAX_CACHED_SCHEMAS) this.plans.set(key, plan);
    }
    if (fields.rowGroups.some((group) => group.statistics.length !== plan.leaves.length)) {
      throw corruptParquet(path, `a row group does not have one column chunk for each of the ${plan.leaves.length} schema columns`);
    }
    return { schema: plan.schema, stats: statsJson(plan, fields), rows: fields.numRows, nanosecondColumns: plan.nanosecondColumns };
  }
}

function schemaPlan(footer: Uint8Array, path: string): SchemaPlan {
  const metadata = decodeParquetFooter(footer, path);
  const leaves = statsLeaves(parquetSchema(metadata));
  return {
    schema: schemaToString(deltaSchemaFromParquet(metadata, path)),
    nanosecondColumns: nanosecondTimestampColumns(metadata),
    leaves: leaves.map((leaf) => leaf?.leaf),
    tree: statsTree(leaves),
  };
}

/**
 * Delta statistics JSON of a file from its row-group column-chunk statistics: numRecords always;
 * per leaf outside arrays and maps, nullCount when every row group has one, and min/max when every
 * row group with values has an exact bound. Bounds use the forms our reader and Spark parse:
 * decimals as JSON numbers with all their digits, timestamps as ISO text in milliseconds (min
 * rounded down, max up, so both stay bounds), dates YYYY-MM-DD, strings cut to 32 characters only
 * when a valid upper bound exists. Float and double bounds are kept only from parquet-mr (Spark,
 * Hive): readers take a finite max as proof that a file has no NaN, which only writers ordering NaN
 * above every number give (see floatBoundsIncludeNaN).
 */
function statsJson(plan: SchemaPlan, fields: FooterFields): string {
  const { leaves } = plan;
  const columns = leaves.length;
  const nullCounts = new Array<number | undefined>(columns).fill(0);
  const mins = new Array<Comparable | undefined>(columns);
  const maxes = new Array<Comparable | undefined>(columns);
  const boundsKnown = new Array<boolean>(columns).fill(true);
  for (const group of fields.rowGroups) {
    for (let column = 0; column < columns; column++) {
      const leaf = leaves[column];
      if (!leaf) continue;
      const stats = group.statistics[column];
      const nulls = stats?.nullCount;
      const sum = nullCounts[column];
      nullCounts[column] = sum === undefined || nulls === undefined ? undefined : sum + nulls;
      if (nulls !== undefined && nulls === group.numRows) continue; // only nulls: no bound to contribute
      const bounds = stats && chunkBounds(stats, leaf);
      if (!bounds) {
        boundsKnown[column] = false;
        continue;
      }
      const [min, max] = bounds;
      const oldMin = mins[column];
      const oldMax = maxes[column];
      if (oldMin === undefined || min < oldMin) mins[column] = min;
      if (oldMax === undefined || max > oldMax) maxes[column] = max;
    }
  }
  const keepFloats = floatBoundsIncludeNaN(fields.createdBy);
  const minText = new Array<string | undefined>(columns);
  const maxText = new Array<string | undefined>(columns);
  const nullText = new Array<string | undefined>(columns);
  for (let column = 0; column < columns; column++) {
    const leaf = leaves[column];
    if (!leaf) continue;
    const nulls = nullCounts[column];
    if (nulls !== undefined) nullText[column] = String(nulls);
    if (!boundsKnown[column] || (leaf.kind.kind === 'float' && !keepFloats)) continue;
    const min = mins[column];
    const max = maxes[column];
    const low = min === undefined ? undefined : jsonBound(min, leaf.kind, 'min');
    const high = max === undefined ? undefined : jsonBound(max, leaf.kind, 'max');
    // Both bounds or neither: a reader must never take half a range for the whole.
    if (low === undefined || high === undefined) continue;
    minText[column] = low;
    maxText[column] = high;
  }
  const parts = [`{"numRecords":${fields.numRows},"minValues":`];
  appendSection(parts, plan.tree, minText);
  parts.push(',"maxValues":');
  appendSection(parts, plan.tree, maxText);
  parts.push(',"nullCount":');
  appendSection(parts, plan.tree, nullText);
  parts.push('}');
  // Joined once into a flat string: concatenated piece by piece, each file's stats stayed a tree of
  // some 40 strings (about 1.6 KB instead of 350 bytes) while CONVERT held them.
  return parts.join('');
}

/** One chunk's exact [min, max], or undefined when it has no usable pair of bounds. */
function chunkBounds(stats: RawChunkStatistics, leaf: Leaf): [Comparable, Comparable] | undefined {
  const hasNew = stats.minValue !== undefined || stats.maxValue !== undefined;
  const useLegacy = !hasNew && leaf.legacyOrderOk;
  const minBytes = stats.isMinValueExact === false ? undefined : hasNew ? stats.minValue : useLegacy ? stats.legacyMin : undefined;
  const maxBytes = stats.isMaxValueExact === false ? undefined : hasNew ? stats.maxValue : useLegacy ? stats.legacyMax : undefined;
  const min = minBytes && comparable(minBytes, leaf.kind);
  const max = maxBytes && comparable(maxBytes, leaf.kind);
  return min === undefined || max === undefined ? undefined : [min, max];
}

/** Appends the JSON object text of one statistics section; structs without any value are left out, as Spark does. */
function appendSection(parts: string[], nodes: readonly StatsNode[], values: ReadonlyArray<string | undefined>): void {
  parts.push('{');
  let empty = true;
  for (const node of nodes) {
    if (node.column === undefined) {
      const start = parts.length;
      parts.push(empty ? '' : ',', node.key, ':');
      const opened = parts.length;
      appendSection(parts, node.children, values);
      // Only its braces: a struct without any value.
      if (parts.length === opened + 2) parts.length = start;
      else empty = false;
      continue;
    }
    const value = values[node.column];
    if (value === undefined) continue;
    parts.push(empty ? '' : ',', node.key, ':', value);
    empty = false;
  }
  parts.push('}');
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

/**
 * Every leaf of the schema in column-chunk order (parquet.thrift: a row group's chunks follow the
 * schema's leaves), with its path; `leaf` only for leaves reachable through plain (non-repeated,
 * non-LIST/MAP) groups: the ones Delta keeps stats for.
 */
function statsLeaves(root: SchemaTree): Array<{ path: string[]; leaf: Leaf } | undefined> {
  const out: Array<{ path: string[]; leaf: Leaf } | undefined> = [];
  const visit = (node: SchemaTree, eligible: boolean): void => {
    const { element } = node;
    const here = eligible && element.repetition_type !== 'REPEATED';
    if (node.children.length > 0) {
      const annotation = element.logical_type?.type ?? element.converted_type;
      const plain = annotation !== 'LIST' && annotation !== 'MAP' && annotation !== 'MAP_KEY_VALUE';
      for (const child of node.children) visit(child, here && plain);
      return;
    }
    const kind = here ? leafKind(element) : undefined;
    out.push(kind ? { path: node.path, leaf: { kind, legacyOrderOk: legacyOrderOk(element, kind) } } : undefined);
  };
  for (const child of root.children) visit(child, true);
  return out;
}

function statsTree(leaves: ReadonlyArray<{ path: string[] } | undefined>): StatsNode[] {
  const roots: StatsNode[] = [];
  leaves.forEach((leaf, column) => {
    if (!leaf) return;
    let level = roots;
    leaf.path.forEach((name, depth) => {
      const key = JSON.stringify(name);
      const isLeaf = depth === leaf.path.length - 1;
      let node = isLeaf ? undefined : level.find((n) => n.key === key && n.column === undefined);
      if (!node) {
        node = { key, column: isLeaf ? column : undefined, children: [] };
        level.push(node);
      }
      level = node.children;
    });
  });
  return roots;
}

function leafKind(element: SchemaElement): LeafKind | undefined {
  const logical = element.logical_type;
  const converted = element.converted_type;
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') {
    const scale = logical?.type === 'DECIMAL' ? logical.scale : element.scale ?? 0;
    return { kind: 'decimal', scale, physical: element.type };
  }
  const unsigned = converted?.startsWith('UINT_') === true || (logical?.type === 'INTEGER' && !logical.isSigned);
  switch (element.type) {
    case 'BOOLEAN': return { kind: 'boolean' };
    case 'FLOAT': return { kind: 'float', double: false };
    case 'DOUBLE': return { kind: 'float', double: true };
    case 'INT32':
      if (logical?.type === 'DATE' || converted === 'DATE') return { kind: 'date' };
      if (logical?.type === 'TIME' || converted === 'TIME_MILLIS') return undefined;
      return { kind: 'int', physical: 'INT32', unsigned };
    case 'INT64':
      if (logical?.type === 'TIMESTAMP') return { kind: 'timestamp', unit: logical.unit, utc: logical.isAdjustedToUTC };
      if (converted === 'TIMESTAMP_MILLIS') return { kind: 'timestamp', unit: 'MILLIS', utc: true };
      if (converted === 'TIMESTAMP_MICROS') return { kind: 'timestamp', unit: 'MICROS', utc: true };
      if (logical?.type === 'TIME' || converted === 'TIME_MICROS') return undefined;
      // UINT_64 becomes decimal(20,0) in the schema; its stats stay integers.
      return { kind: 'int', physical: 'INT64', unsigned };
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

/** A plain-encoded statistics value as something that orders like the column, or undefined when malformed. */
function comparable(bytes: Uint8Array, kind: LeafKind): Comparable | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (kind.kind) {
    case 'int':
      if (kind.physical === 'INT32') return bytes.byteLength === 4 ? (kind.unsigned ? view.getUint32(0, true) : view.getInt32(0, true)) : undefined;
      return bytes.byteLength === 8 ? (kind.unsigned ? view.getBigUint64(0, true) : view.getBigInt64(0, true)) : undefined;
    case 'float': {
      const value = kind.double
        ? (bytes.byteLength === 8 ? view.getFloat64(0, true) : undefined)
        : (bytes.byteLength === 4 ? view.getFloat32(0, true) : undefined);
      return value === undefined || Number.isNaN(value) ? undefined : value;
    }
    case 'boolean':
      return bytes.byteLength >= 1 ? bytes[0] === 1 : undefined;
    case 'date':
      return bytes.byteLength === 4 ? view.getInt32(0, true) : undefined;
    case 'timestamp':
      return bytes.byteLength === 8 ? view.getBigInt64(0, true) : undefined;
    case 'string':
      try {
        return utf8.decode(bytes);
      } catch {
        return undefined; // not UTF-8: no trustworthy bound
      }
    case 'decimal':
      return decimalFromBytes(bytes, kind.physical);
  }
}

/** The JSON text of a bound, or undefined when it has none Delta readers accept. */
function jsonBound(value: Comparable, kind: LeafKind, role: 'min' | 'max'): string | undefined {
  switch (kind.kind) {
    case 'int':
      return String(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return String(value);
    case 'date':
      return JSON.stringify(formatDate(value as number));
    case 'decimal':
      return formatDecimal({ unscaled: value as bigint, scale: kind.scale });
    case 'string': {
      const text = value as string;
      // Under the prefix length in UTF-16 units means under it in code points too: nothing to cut.
      if (text.length <= STATS_STRING_PREFIX_LENGTH) return JSON.stringify(text);
      const bound = role === 'min' ? truncatedMin(text) : truncatedMax(text);
      return bound === undefined ? undefined : JSON.stringify(bound);
    }
    case 'timestamp': {
      const iso = timestampBound(value as bigint, kind, role);
      return iso === undefined ? undefined : JSON.stringify(iso);
    }
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
