import { DataType, Field, Schema, Timestamp } from 'apache-arrow';
import { ARROW_SCHEMA_KEY, arrowSchemaHint } from './arrowSchemaHint';
import { ENCODING, hasSupportedEncodings } from './columnChunkDecoder';
import type { FileMetadata, SchemaElement } from './fileMetadata';
import { leafArrowType, type LeafConversion } from './leafArrowType';
import { isSupportedCodec } from './pageCodec';
import { readParquetFooter } from './parquetFooter';

/** What decodeParquet asks for (the subset the flat decoder plans with). */
export interface FlatReadRequest {
  columns?: readonly string[];
  rowGroups?: readonly number[];
  offset?: number;
  limit?: number;
}

export interface PlannedColumn {
  /** Index of the leaf among the file's columns (= its column chunk index in each row group). */
  leafIndex: number;
  leaf: SchemaElement;
  type: DataType;
  conversion: LeafConversion;
}

/** Rows [skip, skip + take) of the row groups' concatenation are the ones asked for. */
export interface FlatParquetPlan {
  metadata: FileMetadata;
  schema: Schema;
  columns: PlannedColumn[];
  rowGroups: number[];
  skip: number;
  take: number;
}

/**
 * Decides from the footer alone whether the flat decoder reads this file exactly as parquet-wasm
 * would, and plans the read; undefined means "leave it to parquet-wasm" (nested or repeated columns,
 * an encoding, codec or logical type it does not read, an embedded Arrow schema asking for types it
 * does not produce, a request parquet-wasm would refuse, or bytes that are not a plain Parquet file).
 * `nativeZstd`: the caller decompresses ZSTD pages natively, so they need not wait for the WebAssembly decoder.
 */
export function planFlatRead(bytes: Uint8Array, request: FlatReadRequest, nativeZstd = false): FlatParquetPlan | undefined {
  const metadata = readParquetFooter(bytes);
  if (metadata === undefined) return undefined;
  const root = metadata.schema[0];
  const leaves = metadata.schema.slice(1);
  if (root === undefined || root.numChildren !== leaves.length) return undefined;
  for (const leaf of leaves) {
    if (leaf.type === undefined || leaf.numChildren !== 0 || (leaf.repetition !== 0 && leaf.repetition !== 1)) return undefined;
  }
  const selected = selectedLeaves(leaves, request.columns);
  if (selected === undefined) return undefined;
  const rowGroups = request.rowGroups ? [...request.rowGroups] : metadata.rowGroups.map((_, index) => index);
  for (const index of rowGroups) {
    const group = metadata.rowGroups[index];
    if (!Number.isInteger(index) || group === undefined || group.columns.length !== leaves.length) return undefined;
    for (const { leafIndex, leaf } of selected) {
      const chunk = group.columns[leafIndex];
      if (chunk === undefined || chunk.type !== leaf.type || chunk.filePath !== undefined) return undefined;
      if (!isSupportedCodec(chunk.codec, nativeZstd) || !hasSupportedEncodings(chunk)) return undefined;
    }
  }
  const keyValue = new Map<string, string>();
  let hintText: string | undefined;
  for (const { key, value } of metadata.keyValue) {
    if (key === ARROW_SCHEMA_KEY) hintText = value;
    else if (value !== undefined) keyValue.set(key, value);
  }
  const hint = hintText === undefined ? undefined : arrowSchemaHint(hintText);
  if (hint === null || (hint !== undefined && hint.fields.length !== leaves.length)) return undefined;
  const columns: PlannedColumn[] = [];
  const fields: Field[] = [];
  for (const { leafIndex, leaf } of selected) {
    const mapped = leafArrowType(leaf);
    if (mapped === undefined) return undefined;
    const hintField = hint?.fields[leafIndex];
    const type = hintField === undefined ? mapped.type : hintedType(mapped.type, hintField.type);
    if (type === undefined) return undefined;
    const fieldMetadata = new Map(hintField?.metadata ?? []);
    if (leaf.fieldId !== undefined) fieldMetadata.set('PARQUET:field_id', String(leaf.fieldId));
    columns.push({ leafIndex, leaf, type, conversion: mapped.conversion });
    fields.push(new Field(leaf.name, type, leaf.repetition === 1, fieldMetadata));
  }
  for (const [key, value] of hint?.metadata ?? []) if (!keyValue.has(key)) keyValue.set(key, value);
  const total = rowGroups.reduce((sum, index) => sum + (metadata.rowGroups[index]?.numRows ?? 0), 0);
  const skip = Math.min(total, Math.max(0, request.offset ?? 0));
  const take = Math.min(total - skip, request.limit === undefined ? Infinity : Math.max(0, request.limit));
  return { metadata, schema: new Schema(fields, keyValue), columns, rowGroups, skip, take };
}

/** What a planned read's chunks are stored with: their codecs, and whether a delta encoding is among their encodings. */
export function plannedStorage(plan: FlatParquetPlan): { codecs: Set<number>; deltaEncoded: boolean } {
  const codecs = new Set<number>();
  let deltaEncoded = false;
  for (const index of plan.rowGroups) {
    for (const { leafIndex } of plan.columns) {
      const chunk = plan.metadata.rowGroups[index]?.columns[leafIndex];
      if (chunk === undefined) continue;
      codecs.add(chunk.codec);
      if (chunk.encodings.some((encoding) => DELTA_ENCODINGS.has(encoding))) deltaEncoded = true;
    }
  }
  return { codecs, deltaEncoded };
}

const DELTA_ENCODINGS: ReadonlySet<number> = new Set([ENCODING.DELTA_BINARY_PACKED, ENCODING.DELTA_LENGTH_BYTE_ARRAY, ENCODING.DELTA_BYTE_ARRAY]);

/**
 * The requested leaves the file has, in file order (decodeParquet's `columns` contract); undefined
 * when a requested name is on two leaves.
 */
function selectedLeaves(leaves: SchemaElement[], names: readonly string[] | undefined): Array<{ leafIndex: number; leaf: SchemaElement }> | undefined {
  const all = leaves.map((leaf, leafIndex) => ({ leafIndex, leaf }));
  if (names === undefined) return all;
  const wanted = new Set(names);
  const chosen = all.filter(({ leaf }) => wanted.has(leaf.name));
  return new Set(chosen.map(({ leaf }) => leaf.name)).size === chosen.length ? chosen : undefined;
}

/**
 * The type arrow-rs settles on when the embedded Arrow schema has a say (arrow-rs `apply_hint`): the
 * same type, or the hint's timezone on a timestamp of the same unit; any other difference (dictionary,
 * large offsets, views, other units) is left to parquet-wasm.
 */
function hintedType(parquet: DataType, hint: DataType): DataType | undefined {
  if (sameType(parquet, hint)) return parquet;
  if (DataType.isTimestamp(parquet) && DataType.isTimestamp(hint) && parquet.unit === hint.unit && hint.timezone) {
    return new Timestamp(hint.unit, hint.timezone);
  }
  return undefined;
}

/**
 * Equal Arrow types by id and parameters (the text names width, sign, unit, zone, precision...).
 * Not `util.compareTypes`: it also wants the same class, and an IPC-parsed `Int_` is not an `Int32`.
 */
function sameType(a: DataType, b: DataType): boolean {
  return a.typeId === b.typeId && String(a) === String(b);
}
