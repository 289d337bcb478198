/**
 * The few fields of a Parquet footer (parquet.thrift `FileMetaData`, Thrift compact protocol) that
 * CONVERT needs per file: where the schema's bytes are, the row counts, the writer, and each column
 * chunk's raw statistics. Everything else (encodings, page offsets, key/value metadata, column
 * orders, size statistics) is skipped without building objects: hyparquet's `parquetMetadata`
 * decodes every field into generic objects and then converts them, which was most of the CPU of
 * reading 10,000 footers. The schema itself is decoded by hyparquet, once per distinct schema.
 */

import { CompactReader, TT } from '../../parquet/flatDecoder/compactReader';

/** A column chunk's `Statistics` as stored: values are the plain-encoded bytes. */
export interface RawChunkStatistics {
  /** Deprecated signed-order bounds (fields 1 and 2). */
  legacyMax: Uint8Array | undefined;
  legacyMin: Uint8Array | undefined;
  nullCount: number | undefined;
  maxValue: Uint8Array | undefined;
  minValue: Uint8Array | undefined;
  isMaxValueExact: boolean | undefined;
  isMinValueExact: boolean | undefined;
}

export interface RawRowGroup {
  numRows: number;
  /** Per column chunk, in schema leaf order; undefined when the chunk has no statistics. */
  statistics: Array<RawChunkStatistics | undefined>;
}

export interface FooterFields {
  /** The encoded `schema` list: equal bytes mean an equal schema. */
  schemaBytes: Uint8Array;
  numRows: number;
  createdBy: string | undefined;
  rowGroups: RawRowGroup[];
}

const { TRUE, FALSE, I64, BINARY, LIST, STRUCT } = TT;

const latin1 = new TextDecoder('latin1');

/** Decodes the fields above from the footer's Thrift bytes (without the trailing length and magic). */
export function decodeFooterFields(bytes: Uint8Array): FooterFields {
  const reader = new CompactReader(bytes);
  const out: FooterFields = { schemaBytes: new Uint8Array(0), numRows: 0, createdBy: undefined, rowGroups: [] };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (field === 2 && type === LIST) {
      const start = reader.offset;
      reader.skip(LIST);
      out.schemaBytes = bytes.subarray(start, reader.offset);
    } else if (field === 3 && type === I64) out.numRows = reader.readI64();
    else if (field === 4 && type === LIST) {
      const count = reader.listOf(STRUCT);
      for (let i = 0; i < count; i++) out.rowGroups.push(readRowGroup(reader));
    } else if (field === 6 && type === BINARY) out.createdBy = latin1.decode(reader.readBinary());
    else reader.skip(type);
  }
  if (out.schemaBytes.byteLength === 0) throw new Error('the footer has no schema');
  return out;
}

function readRowGroup(reader: CompactReader): RawRowGroup {
  const group: RawRowGroup = { numRows: 0, statistics: [] };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (field === 1 && type === LIST) {
      const count = reader.listOf(STRUCT);
      for (let i = 0; i < count; i++) group.statistics.push(readColumnChunk(reader));
    } else if (field === 3 && type === I64) group.numRows = reader.readI64();
    else reader.skip(type);
  }
  return group;
}

function readColumnChunk(reader: CompactReader): RawChunkStatistics | undefined {
  let statistics: RawChunkStatistics | undefined;
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    if (field !== 3 || reader.fieldType !== STRUCT) {
      reader.skip(reader.fieldType);
      continue;
    }
    for (let meta = reader.nextField(0); meta > 0; meta = reader.nextField(meta)) {
      if (meta === 12 && reader.fieldType === STRUCT) statistics = readStatistics(reader);
      else reader.skip(reader.fieldType);
    }
  }
  return statistics;
}

function readStatistics(reader: CompactReader): RawChunkStatistics {
  const stats: RawChunkStatistics = {
    legacyMax: undefined, legacyMin: undefined, nullCount: undefined, maxValue: undefined, minValue: undefined,
    isMaxValueExact: undefined, isMinValueExact: undefined,
  };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (type === BINARY && field === 1) stats.legacyMax = reader.readBinary();
    else if (type === BINARY && field === 2) stats.legacyMin = reader.readBinary();
    else if (type === I64 && field === 3) stats.nullCount = reader.readI64();
    else if (type === BINARY && field === 5) stats.maxValue = reader.readBinary();
    else if (type === BINARY && field === 6) stats.minValue = reader.readBinary();
    else if ((type === TRUE || type === FALSE) && field === 7) stats.isMaxValueExact = type === TRUE;
    else if ((type === TRUE || type === FALSE) && field === 8) stats.isMinValueExact = type === TRUE;
    else reader.skip(type);
  }
  return stats;
}
