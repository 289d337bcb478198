/**
 * The few fields of a Parquet footer (parquet.thrift `FileMetaData`, Thrift compact protocol) that
 * CONVERT needs per file: where the schema's bytes are, the row counts, the writer, and each column
 * chunk's raw statistics. Everything else (encodings, page offsets, key/value metadata, column
 * orders, size statistics) is skipped without building objects: hyparquet's `parquetMetadata`
 * decodes every field into generic objects and then converts them, which was most of the CPU of
 * reading 10,000 footers. The schema itself is decoded by hyparquet, once per distinct schema.
 */

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

// Compact protocol type ids.
const TRUE = 1;
const FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

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

/** A cursor over Thrift compact protocol bytes (the Thrift spec's compact protocol, as parquet.thrift uses it). */
class CompactReader {
  offset = 0;
  /** The type of the field nextField last returned. */
  fieldType = 0;
  private listType = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /**
   * The id of the struct's next field (its type in `fieldType`), or 0 at the struct's end. `previous`
   * is the id of the field before it (0 for the first): ids are stored as deltas. The caller must
   * read or skip the field's value before asking for the next one.
   */
  nextField(previous: number): number {
    const header = this.byte();
    this.fieldType = header & 0x0f;
    if (this.fieldType === 0) return 0; // STOP
    const delta = header >> 4;
    return delta === 0 ? zigzag(this.varint()) : previous + delta;
  }

  /** Reads a list header and returns its size; its elements follow. */
  listOf(expected: number): number {
    const size = this.listHeader();
    if (this.listType !== expected) throw new Error(`a list of Thrift type ${this.listType} where type ${expected} was expected`);
    return size;
  }

  readI64(): number {
    return zigzag(this.varint());
  }

  readBinary(): Uint8Array {
    const length = this.varint();
    const end = this.offset + length;
    if (end > this.bytes.byteLength) throw new Error(`a Thrift binary of ${length} bytes runs past the footer`);
    const value = this.bytes.subarray(this.offset, end);
    this.offset = end;
    return value;
  }

  skip(type: number): void {
    switch (type) {
      case TRUE:
      case FALSE:
        return; // the value is in the field header
      case BYTE:
        this.offset++;
        return;
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        this.offset += 8;
        return;
      case BINARY:
        this.readBinary();
        return;
      case LIST:
      case SET: {
        const size = this.listHeader();
        const element = this.listType;
        // Booleans inside a list take one byte each, unlike boolean fields.
        for (let i = 0; i < size; i++) {
          if (element === TRUE || element === FALSE) this.offset++;
          else this.skip(element);
        }
        return;
      }
      case MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kinds >> 4);
          this.skip(kinds & 0x0f);
        }
        return;
      }
      case STRUCT:
        for (let field = this.nextField(0); field > 0; field = this.nextField(field)) this.skip(this.fieldType);
        return;
      default:
        throw new Error(`unknown Thrift type ${type}`);
    }
  }

  /** The list's size; its element type goes to `listType`. */
  private listHeader(): number {
    const header = this.byte();
    this.listType = header & 0x0f;
    const short = header >> 4;
    return short === 15 ? this.varint() : short;
  }

  private byte(): number {
    const value = this.bytes[this.offset++];
    if (value === undefined) throw new Error('the Thrift footer ends in the middle of a value');
    return value;
  }

  /** Unsigned LEB128; exact up to 2^53, beyond any row count or length a footer holds. */
  private varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('a Thrift varint longer than 64 bits');
    }
  }
}

function zigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}
