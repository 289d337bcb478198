import { chunkStart } from './columnChunkDecoder';
import type { ColumnChunkMeta } from './fileMetadata';
import type { ZstdDecompress } from './nativeZstdDecompress';
import { CODEC } from './pageCodec';
import { PAGE_TYPE, readPageHeader } from './pageHeader';
import { wasmZstdReady } from './wasmZstd';

/** Decompressed page sections, by the file offset where their compressed bytes start. */
export type DecompressedPages = ReadonlyMap<number, Uint8Array>;

/**
 * Below this many decompressed bytes a page is left to the synchronous WebAssembly decoder when it
 * has loaded: a trip through libuv's pool costs more CPU than it saves on a small page (10,000
 * 100-row files took 2.7x the CPU of the synchronous path when every page went native).
 */
export const NATIVE_MIN_PAGE_BYTES = 64 * 1024;

/**
 * Decompresses the ZSTD pages of `chunks` ahead of decoding, all at once: the native decoder runs
 * them in parallel on libuv's pool. v2 data pages give their values section (the levels are stored
 * uncompressed). Small pages (while the WebAssembly decoder is ready), and pages the decoder will
 * not read (index pages, empty pages) are left to the decoder; a page the walk cannot parse ends
 * it, and the decoder then raises its own error on that page.
 */
export async function decompressChunkPages(
  file: Uint8Array, chunks: readonly ColumnChunkMeta[], decompress: ZstdDecompress, minPageBytes = NATIVE_MIN_PAGE_BYTES,
): Promise<DecompressedPages> {
  const starts: number[] = [];
  const work: Array<Promise<Uint8Array>> = [];
  const wasmReady = wasmZstdReady();
  for (const chunk of chunks) {
    forEachZstdPageBody(file, chunk, (from, bodyEnd, size) => {
      if (size < minPageBytes && wasmReady) return;
      starts.push(from);
      work.push(decompress(file.subarray(from, bodyEnd)).then((body) => {
        if (body.byteLength !== size) throw new Error(`a ZSTD page decompressed to ${body.byteLength} bytes, its header says ${size}`);
        return body;
      }));
    });
  }
  if (work.length === 0) return new Map();
  const bodies = await Promise.all(work);
  return new Map(starts.map((start, i) => [start, bodies[i] as Uint8Array]));
}

/**
 * Calls `visit` with each compressed page section of a ZSTD column chunk the decoder will read: data
 * and dictionary pages, of v2 data pages the values section only (their levels are stored
 * uncompressed); `size` is the section's decompressed size. Index pages, empty and uncompressed
 * ones are skipped; a page running past the file ends the walk, and the decoder then raises its own
 * error on it. Other codecs have nothing to visit.
 */
export function forEachZstdPageBody(
  file: Uint8Array, chunk: ColumnChunkMeta, visit: (from: number, bodyEnd: number, size: number) => void,
): void {
  if (chunk.codec !== CODEC.ZSTD) return;
  let pos = chunkStart(chunk);
  const end = Math.min(file.byteLength, pos + chunk.totalCompressedSize);
  while (pos < end) {
    const header = readPageHeader(file, pos);
    const bodyEnd = header.dataOffset + header.compressedSize;
    if (bodyEnd > file.byteLength) return;
    pos = bodyEnd;
    let from = header.dataOffset;
    let size = header.uncompressedSize;
    if (header.type === PAGE_TYPE.DATA_V2) {
      if (!header.isCompressed) continue;
      const levels = header.repetitionLevelsByteLength + header.definitionLevelsByteLength;
      from += levels;
      size -= levels;
    } else if (header.type !== PAGE_TYPE.DATA && header.type !== PAGE_TYPE.DICTIONARY) continue;
    if (size > 0 && from <= bodyEnd) visit(from, bodyEnd, size);
  }
}
