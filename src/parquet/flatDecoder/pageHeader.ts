import { CompactReader, TT } from './compactReader';

/** parquet.thrift `PageType` values the decoder reads. */
export const PAGE_TYPE = { DATA: 0, INDEX: 1, DICTIONARY: 2, DATA_V2: 3 } as const;

/** A page header (parquet.thrift `PageHeader` with its data, dictionary or v2 data header) flattened. */
export interface PageHeader {
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  /** Values in the page, nulls included (dictionary page: entries). */
  numValues: number;
  encoding: number;
  /** v1: encoding of the definition levels. */
  definitionLevelEncoding: number;
  /** v2: nulls, and the byte lengths of the uncompressed level sections before the values. */
  numNulls: number;
  definitionLevelsByteLength: number;
  repetitionLevelsByteLength: number;
  /** v2: whether the values section is compressed (true unless the writer said otherwise). */
  isCompressed: boolean;
  /** Offset just after the header, where the page's bytes start. */
  dataOffset: number;
}

export function readPageHeader(bytes: Uint8Array, offset: number): PageHeader {
  const reader = new CompactReader(bytes, offset);
  const header: PageHeader = {
    type: -1, uncompressedSize: 0, compressedSize: 0, numValues: 0, encoding: 0, definitionLevelEncoding: 3,
    numNulls: 0, definitionLevelsByteLength: 0, repetitionLevelsByteLength: 0, isCompressed: true, dataOffset: 0,
  };
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (type === TT.I32 && field <= 3) {
      const value = reader.readInt();
      if (field === 1) header.type = value;
      else if (field === 2) header.uncompressedSize = value;
      else header.compressedSize = value;
    } else if (type === TT.STRUCT && (field === 5 || field === 7)) readDataOrDictionaryHeader(reader, header);
    else if (type === TT.STRUCT && field === 8) readDataHeaderV2(reader, header);
    else reader.skip(type);
  }
  header.dataOffset = reader.offset;
  return header;
}

/** `DataPageHeader` and `DictionaryPageHeader` share fields 1 (num_values) and 2 (encoding). */
function readDataOrDictionaryHeader(reader: CompactReader, header: PageHeader): void {
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    if (reader.fieldType !== TT.I32) reader.skip(reader.fieldType);
    else if (field === 1) header.numValues = reader.readInt();
    else if (field === 2) header.encoding = reader.readInt();
    else if (field === 3) header.definitionLevelEncoding = reader.readInt();
    else reader.skip(reader.fieldType);
  }
}

function readDataHeaderV2(reader: CompactReader, header: PageHeader): void {
  for (let field = reader.nextField(0); field > 0; field = reader.nextField(field)) {
    const type = reader.fieldType;
    if (field === 7 && (type === TT.TRUE || type === TT.FALSE)) header.isCompressed = reader.boolField();
    else if (type !== TT.I32) reader.skip(type);
    else if (field === 1) header.numValues = reader.readInt();
    else if (field === 2) header.numNulls = reader.readInt();
    else if (field === 4) header.encoding = reader.readInt();
    else if (field === 5) header.definitionLevelsByteLength = reader.readInt();
    else if (field === 6) header.repetitionLevelsByteLength = reader.readInt();
    else reader.skip(type);
  }
}
