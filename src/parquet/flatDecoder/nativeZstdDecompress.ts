import { asBuffer, nativeZstdBindings } from '../nativeZstdBindings';

/** Decompresses one ZSTD frame off the JS thread. */
export type ZstdDecompress = (bytes: Uint8Array) => Promise<Uint8Array>;

let decompressCall: ZstdDecompress | null | undefined;

/**
 * Native ZSTD decompression (`nativeZstdBindings`: about 0.6x the CPU of `zstddec`'s WebAssembly
 * on Parquet pages, measured), or undefined when its binary for this platform is missing: the
 * async reads then decompress through `zstddec` like the synchronous ones.
 */
export function nativeZstdDecompress(): ZstdDecompress | undefined {
  if (decompressCall === undefined) {
    const decompress = nativeZstdBindings()?.decompress;
    decompressCall = typeof decompress === 'function'
      ? (bytes) => (decompress as (b: Buffer) => Promise<Buffer>)(asBuffer(bytes))
      : null;
  }
  return decompressCall ?? undefined;
}
