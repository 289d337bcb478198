import { decodeDeltaBinaryPacked, decodeDeltaByteArrays, decodeDeltaLengthByteArrays, joinByteStreams } from './deltaEncodings';
import type { ColumnChunkMeta } from './fileMetadata';
import { PHYSICAL } from './leafArrowType';
import { decompressPage } from './pageCodec';
import { PAGE_TYPE, readPageHeader } from './pageHeader';
import type { DecompressedPages } from './pagePrefetch';
import { definedCount, readUint32, type PhysicalColumn } from './physicalColumn';
import { decodeLevelBits, decodeRleHybrid } from './rleHybridDecoder';
import type { RowEntries } from './rowEntries';

/** parquet.thrift `Encoding` values. */
export const ENCODING = {
  PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, BIT_PACKED: 4, DELTA_BINARY_PACKED: 5, DELTA_LENGTH_BYTE_ARRAY: 6,
  DELTA_BYTE_ARRAY: 7, RLE_DICTIONARY: 8, BYTE_STREAM_SPLIT: 9,
} as const;

const SUPPORTED_ENCODINGS: ReadonlySet<number> = new Set([
  ENCODING.PLAIN, ENCODING.PLAIN_DICTIONARY, ENCODING.RLE, ENCODING.BIT_PACKED, ENCODING.RLE_DICTIONARY,
  ENCODING.DELTA_BINARY_PACKED, ENCODING.DELTA_LENGTH_BYTE_ARRAY, ENCODING.DELTA_BYTE_ARRAY, ENCODING.BYTE_STREAM_SPLIT,
]);

/** Whether every encoding the chunk's metadata lists is one the decoder reads. */
export function hasSupportedEncodings(chunk: ColumnChunkMeta): boolean {
  return chunk.encodings.every((encoding) => SUPPORTED_ENCODINGS.has(encoding));
}

/**
 * Per-page scratch, reused from page to page (decoding is synchronous): a page's slots as 0 / 1
 * (only for pages with nulls) and its dictionary indices.
 */
let definedScratch = new Uint8Array(0);
let indexScratch = new Int32Array(0);

/** Where a chunk's first page starts: its dictionary page when it has one. */
export function chunkStart(chunk: ColumnChunkMeta): number {
  const dictionaryOffset = chunk.dictionaryPageOffset;
  return dictionaryOffset !== undefined && dictionaryOffset > 0 && dictionaryOffset < chunk.dataPageOffset
    ? dictionaryOffset
    : chunk.dataPageOffset;
}

/**
 * Decodes one column chunk of a flat column (max repetition level 0, max definition level 1 when
 * optional) into `column` from row `firstRow`; `validity` is given exactly when the column is
 * optional and gets a bit per defined row. Pages found in `decompressed` (by the offset of their
 * compressed bytes) are taken from there instead of being decompressed here. Dictionary indices
 * go to `entries` too when given. Returns the nulls it saw.
 */
export function decodeColumnChunk(
  file: Uint8Array, chunk: ColumnChunkMeta, column: PhysicalColumn, validity: Uint8Array | null, firstRow: number, numRows: number,
  decompressed?: DecompressedPages, entries?: RowEntries,
): number {
  let pos = chunkStart(chunk);
  const end = Math.min(file.byteLength, pos + chunk.totalCompressedSize);
  let row = firstRow;
  const lastRow = firstRow + numRows;
  let nulls = 0;
  while (row < lastRow) {
    if (pos >= end) throw new Error(`a column chunk ends after ${row - firstRow} of ${numRows} rows`);
    const header = readPageHeader(file, pos);
    const bodyStart = header.dataOffset;
    const bodyEnd = bodyStart + header.compressedSize;
    if (bodyEnd > file.byteLength) throw new Error('a page runs past the end of the file');
    pos = bodyEnd;
    if (header.type === PAGE_TYPE.DICTIONARY) {
      if (header.encoding !== ENCODING.PLAIN && header.encoding !== ENCODING.PLAIN_DICTIONARY) {
        throw new Error(`dictionary page encoding ${header.encoding}`);
      }
      const body = decompressed?.get(bodyStart) ?? decompressPage(chunk.codec, file.subarray(bodyStart, bodyEnd), header.uncompressedSize);
      column.setDictionary(body, 0, body.byteLength, header.numValues);
      continue;
    }
    if (header.type !== PAGE_TYPE.DATA && header.type !== PAGE_TYPE.DATA_V2) continue;
    const slots = header.numValues;
    if (slots > lastRow - row) throw new Error(`a data page of ${slots} values past the row group's ${numRows} rows`);
    let values: Uint8Array;
    let valuesStart = 0;
    let present = slots;
    if (header.type === PAGE_TYPE.DATA) {
      values = decompressed?.get(bodyStart) ?? decompressPage(chunk.codec, file.subarray(bodyStart, bodyEnd), header.uncompressedSize);
      if (validity !== null) {
        if (header.definitionLevelEncoding !== ENCODING.RLE) throw new Error(`definition level encoding ${header.definitionLevelEncoding}`);
        const length = readUint32(values, 0);
        present = decodeLevelBits(values, 4, 4 + length, slots, validity, row);
        valuesStart = 4 + length;
      }
    } else {
      const levelsEnd = bodyStart + header.repetitionLevelsByteLength + header.definitionLevelsByteLength;
      if (header.repetitionLevelsByteLength !== 0) throw new Error('repetition levels in a flat column');
      if (validity !== null) present = decodeLevelBits(file, bodyStart, levelsEnd, slots, validity, row);
      const compressed = file.subarray(levelsEnd, bodyEnd);
      values = header.isCompressed
        ? decompressed?.get(levelsEnd) ?? decompressPage(chunk.codec, compressed, header.uncompressedSize - header.repetitionLevelsByteLength - header.definitionLevelsByteLength)
        : compressed;
    }
    nulls += slots - present;
    const defined = present === slots || validity === null ? null : definedSlots(validity, row, slots);
    decodeValues(header.encoding, chunk.type, values, valuesStart, column, row, slots, defined, entries);
    row += slots;
  }
  return nulls;
}

/** The validity bits of a page's slots as one byte (0 / 1) per slot, in the shared scratch. */
function definedSlots(validity: Uint8Array, row: number, slots: number): Uint8Array {
  if (definedScratch.length < slots) definedScratch = new Uint8Array(Math.max(slots, definedScratch.length * 2));
  const defined = definedScratch;
  for (let slot = 0; slot < slots; slot++) {
    const at = row + slot;
    defined[slot] = ((validity[at >> 3] as number) >> (at & 7)) & 1;
  }
  return defined;
}

function decodeValues(
  encoding: number, physicalType: number, values: Uint8Array, start: number, column: PhysicalColumn, row: number, slots: number,
  defined: Uint8Array | null, entries: RowEntries | undefined,
): void {
  const end = values.byteLength;
  if (entries !== undefined && encoding !== ENCODING.PLAIN_DICTIONARY && encoding !== ENCODING.RLE_DICTIONARY) entries.giveUp();
  switch (encoding) {
    case ENCODING.PLAIN:
      column.plain(values, start, end, row, slots, defined);
      return;
    case ENCODING.PLAIN_DICTIONARY:
    case ENCODING.RLE_DICTIONARY: {
      const count = definedCount(slots, defined);
      if (indexScratch.length < count) indexScratch = new Int32Array(Math.max(count, indexScratch.length * 2));
      const indices = indexScratch;
      if (count > 0) {
        const bitWidth = values[start] ?? 0;
        if (bitWidth > 32) throw new Error(`dictionary index bit width ${bitWidth}`);
        decodeRleHybrid(values, start + 1, end, bitWidth, count, indices);
      }
      column.fromDictionary(indices, row, slots, defined);
      entries?.note(indices, row, slots, defined);
      return;
    }
    case ENCODING.RLE:
      column.rle(values, start, end, row, slots, defined);
      return;
    case ENCODING.DELTA_BINARY_PACKED: {
      if (physicalType !== PHYSICAL.INT32 && physicalType !== PHYSICAL.INT64) throw new Error(`DELTA_BINARY_PACKED values of physical type ${physicalType}`);
      const count = definedCount(slots, defined);
      const wide = physicalType === PHYSICAL.INT64;
      const size = wide ? count * 2 : count;
      // A page without nulls straight into the column; else decoded apart and scattered.
      const direct = defined === null ? column.wordsAt(row, size) : undefined;
      const words = direct ?? new Int32Array(size);
      decodeDeltaBinaryPacked({ bytes: values, pos: start, end }, count, words, wide);
      if (direct === undefined) column.plain(new Uint8Array(words.buffer), 0, words.byteLength, row, slots, defined);
      return;
    }
    case ENCODING.DELTA_LENGTH_BYTE_ARRAY:
      column.byteArrays(decodeDeltaLengthByteArrays(values, start, definedCount(slots, defined)), row, slots, defined);
      return;
    case ENCODING.DELTA_BYTE_ARRAY:
      column.byteArrays(decodeDeltaByteArrays(values, start, definedCount(slots, defined)), row, slots, defined);
      return;
    case ENCODING.BYTE_STREAM_SPLIT: {
      const width = column.plainWidth;
      if (width === 0) throw new Error('BYTE_STREAM_SPLIT values in a column without a fixed width');
      const joined = joinByteStreams(values, start, definedCount(slots, defined), width);
      column.plain(joined, 0, joined.byteLength, row, slots, defined);
      return;
    }
    default:
      throw new Error(`data page encoding ${encoding} is not supported by the flat decoder`);
  }
}
