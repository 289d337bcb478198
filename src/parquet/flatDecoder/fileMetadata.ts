import { CompactReader, TT } from './compactReader';

/**
 * The parts of a Parquet footer (parquet.thrift `FileMetaData`) that the flat decoder plans with:
 * the schema elements, each column chunk's codec, encodings and page offsets, and the key/value
 * metadata (for the embedded Arrow schema). Statistics, page indexes and the like are skipped.
 */

export interface TimeUnitLogical { unit: 'MILLIS' | 'MICROS' | 'NANOS'; isAdjustedToUTC: boolean }

/** parquet.thrift `LogicalType`, the members the decoder maps; others keep only their union id. */
export type LogicalType =
  | { kind: 'STRING' | 'ENUM' | 'JSON' | 'DATE' | 'UUID' | 'FLOAT16' | 'UNKNOWN' | 'BSON' | 'OTHER' }
  | { kind: 'DECIMAL'; scale: number; precision: number }
  | ({ kind: 'TIMESTAMP' | 'TIME' } & TimeUnitLogical)
  | { kind: 'INTEGER'; bitWidth: number; isSigned: boolean };

export interface SchemaElement {
  name: string;
  /** Physical type; undefined for groups. */
  type: number | undefined;
  typeLength: number;
  /** 0 REQUIRED, 1 OPTIONAL, 2 REPEATED; undefined on the root. */
  repetition: number | undefined;
  numChildren: number;
  convertedType: number | undefined;
  scale: number;
  precision: number;
  fieldId: number | undefined;
  logicalType: LogicalType | undefined;
}

export interface ColumnChunkMeta {
  type: number;
  encodings: number[];
  codec: number;
  numValues: number;
  totalCompressedSize: number;
  /** The pages' bytes once decompressed (headers included): a string column's size, roughly, when PLAIN. */
  totalUncompressedSize: number;
  dataPageOffset: number;
  dictionaryPageOffset: number | undefined;
  /** Set when the chunk lives in another file (never in Delta tables): the decoder refuses it. */
  filePath: string | undefined;
}

/** parquet.thrift `Encoding`: the two dictionary encodings of data pages. */
const PLAIN_DICTIONARY = 2;
const RLE_DICTIONARY = 8;

/**
 * Whether a column chunk has a dictionary: a dictionary encoding listed in its encodings, or a
 * dictionary page offset (some writers list only PLAIN_DICTIONARY, others only the offset).
 */
export function chunkHasDictionary(chunk: ColumnChunkMeta): boolean {
  return chunk.encodings.includes(RLE_DICTIONARY) || chunk.encodings.includes(PLAIN_DICTIONARY)
    || (chunk.dictionaryPageOffset !== undefined && chunk.dictionaryPageOffset > 0);
}

export interface RowGroupMeta { numRows: number; columns: ColumnChunkMeta[] }

export interface FileMetadata {
  schema: SchemaElement[];
  numRows: number;
  rowGroups: RowGroupMeta[];
  keyValue: Array<{ key: string; value: string | undefined }>;
}

/** Decodes the footer's Thrift bytes (without the trailing length and magic). */
export function decodeFileMetadata(bytes: Uint8Array): FileMetadata {
  const reader = new CompactReader(bytes);
  const out: FileMetadata = { schema: [], numRows: 0, rowGroups: [], keyValue: [] };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (field === 2 && type === TT.LIST) {
      const count = reader.listOf(TT.STRUCT);
      for (let i = 0; i < count; i++) out.schema.push(readSchemaElement(reader));
    } else if (field === 3 && type === TT.I64) out.numRows = reader.readInt();
    else if (field === 4 && type === TT.LIST) {
      const count = reader.listOf(TT.STRUCT);
      for (let i = 0; i < count; i++) out.rowGroups.push(readRowGroup(reader));
    } else if (field === 5 && type === TT.LIST) {
      const count = reader.listOf(TT.STRUCT);
      for (let i = 0; i < count; i++) out.keyValue.push(readKeyValue(reader));
    } else reader.skip(type);
  }
  if (out.schema.length === 0) throw new Error('the footer has no schema');
  return out;
}

function readSchemaElement(reader: CompactReader): SchemaElement {
  const element: SchemaElement = {
    name: '', type: undefined, typeLength: 0, repetition: undefined, numChildren: 0, convertedType: undefined,
    scale: 0, precision: 0, fieldId: undefined, logicalType: undefined,
  };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (type === TT.I32 && field !== 4 && field !== 10) {
      const value = reader.readInt();
      if (field === 1) element.type = value;
      else if (field === 2) element.typeLength = value;
      else if (field === 3) element.repetition = value;
      else if (field === 5) element.numChildren = value;
      else if (field === 6) element.convertedType = value;
      else if (field === 7) element.scale = value;
      else if (field === 8) element.precision = value;
      else if (field === 9) element.fieldId = value;
    } else if (field === 4 && type === TT.BINARY) element.name = reader.readString();
    else if (field === 10 && type === TT.STRUCT) element.logicalType = readLogicalType(reader);
    else reader.skip(type);
  }
  return element;
}

const SIMPLE_LOGICAL: Record<number, LogicalType['kind']> = {
  1: 'STRING', 4: 'ENUM', 6: 'DATE', 11: 'UNKNOWN', 12: 'JSON', 13: 'BSON', 14: 'UUID', 15: 'FLOAT16',
};

/** A union: exactly one field is set. */
function readLogicalType(reader: CompactReader): LogicalType {
  let logical: LogicalType = { kind: 'OTHER' };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    if (reader.fieldType !== TT.STRUCT) {
      reader.skip(reader.fieldType);
      continue;
    }
    if (field === 5) logical = readDecimal(reader);
    else if (field === 7 || field === 8) logical = { kind: field === 8 ? 'TIMESTAMP' : 'TIME', ...readTimeLike(reader) };
    else if (field === 10) logical = readInteger(reader);
    else {
      reader.skip(TT.STRUCT);
      logical = { kind: SIMPLE_LOGICAL[field] ?? 'OTHER' } as LogicalType;
    }
  }
  return logical;
}

function readDecimal(reader: CompactReader): LogicalType {
  let scale = 0;
  let precision = 0;
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    if (reader.fieldType !== TT.I32) reader.skip(reader.fieldType);
    else if (field === 1) scale = reader.readInt();
    else if (field === 2) precision = reader.readInt();
    else reader.skip(reader.fieldType);
  }
  return { kind: 'DECIMAL', scale, precision };
}

function readTimeLike(reader: CompactReader): TimeUnitLogical {
  const out: TimeUnitLogical = { unit: 'MILLIS', isAdjustedToUTC: false };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (field === 1 && (type === TT.TRUE || type === TT.FALSE)) out.isAdjustedToUTC = reader.boolField();
    else if (field === 2 && type === TT.STRUCT) {
      // TimeUnit is a union of empty structs: MILLIS 1, MICROS 2, NANOS 3.
      for (let unit = reader.nextField(0); unit > 0; unit = reader.nextField(unit)) {
        out.unit = unit === 3 ? 'NANOS' : unit === 2 ? 'MICROS' : 'MILLIS';
        reader.skip(reader.fieldType);
      }
    } else reader.skip(type);
  }
  return out;
}

function readInteger(reader: CompactReader): LogicalType {
  let bitWidth = 0;
  let isSigned = true;
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (field === 1 && type === TT.BYTE) bitWidth = reader.readByte();
    else if (field === 2 && (type === TT.TRUE || type === TT.FALSE)) isSigned = reader.boolField();
    else reader.skip(type);
  }
  return { kind: 'INTEGER', bitWidth, isSigned };
}

function readKeyValue(reader: CompactReader): { key: string; value: string | undefined } {
  let key = '';
  let value: string | undefined;
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    if (field === 1 && reader.fieldType === TT.BINARY) key = reader.readString();
    else if (field === 2 && reader.fieldType === TT.BINARY) value = reader.readString();
    else reader.skip(reader.fieldType);
  }
  return { key, value };
}

function readRowGroup(reader: CompactReader): RowGroupMeta {
  const group: RowGroupMeta = { numRows: 0, columns: [] };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (field === 1 && type === TT.LIST) {
      const count = reader.listOf(TT.STRUCT);
      for (let i = 0; i < count; i++) group.columns.push(readColumnChunk(reader));
    } else if (field === 3 && type === TT.I64) group.numRows = reader.readInt();
    else reader.skip(type);
  }
  return group;
}

function readColumnChunk(reader: CompactReader): ColumnChunkMeta {
  const chunk: ColumnChunkMeta = {
    type: -1, encodings: [], codec: -1, numValues: 0, totalCompressedSize: 0, totalUncompressedSize: 0, dataPageOffset: 0,
    dictionaryPageOffset: undefined, filePath: undefined,
  };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    if (field === 1 && reader.fieldType === TT.BINARY) chunk.filePath = reader.readString();
    else if (field === 3 && reader.fieldType === TT.STRUCT) readColumnMetaData(reader, chunk);
    else reader.skip(reader.fieldType);
  }
  return chunk;
}

function readColumnMetaData(reader: CompactReader, chunk: ColumnChunkMeta): void {
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (field === 2 && type === TT.LIST) {
      const count = reader.listOf(TT.I32);
      for (let i = 0; i < count; i++) chunk.encodings.push(reader.readInt());
    } else if (type !== TT.I32 && type !== TT.I64) reader.skip(type);
    else if (field === 1) chunk.type = reader.readInt();
    else if (field === 4) chunk.codec = reader.readInt();
    else if (field === 5) chunk.numValues = reader.readInt();
    else if (field === 6) chunk.totalUncompressedSize = reader.readInt();
    else if (field === 7) chunk.totalCompressedSize = reader.readInt();
    else if (field === 9) chunk.dataPageOffset = reader.readInt();
    else if (field === 11) chunk.dictionaryPageOffset = reader.readInt();
    else reader.skip(type);
  }
}
