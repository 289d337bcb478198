import { asBuffer, nativeZstdBindings } from '../nativeZstdBindings';

/** Compresses bytes with ZSTD at `level` off the JS thread. */
export type ZstdCompress = (bytes: Uint8Array, level: number) => Promise<Uint8Array>;

let compressCall: ZstdCompress | null | undefined;

/**
 * Native ZSTD compression (`nativeZstdBindings`), or undefined when its binary for this platform
 * is missing: callers then encode through parquet-wasm.
 */
export function nativeZstd(): ZstdCompress | undefined {
  if (compressCall === undefined) {
    const compress = nativeZstdBindings()?.compress;
    compressCall = typeof compress === 'function'
      ? (bytes, level) => (compress as (b: Buffer, l: number) => Promise<Buffer>)(asBuffer(bytes), level)
      : null;
  }
  return compressCall ?? undefined;
}
