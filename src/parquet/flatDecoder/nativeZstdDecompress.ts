import { createRequire } from 'node:module';

/** Decompresses one ZSTD frame off the JS thread. */
export type ZstdDecompress = (bytes: Uint8Array) => Promise<Uint8Array>;

let loaded: ZstdDecompress | null | undefined;

/**
 * `@mongodb-js/zstd`'s native decompress (libzstd on libuv's thread pool, about 0.6x the CPU of
 * `zstddec`'s WebAssembly on Parquet pages, measured), or undefined when its binary for this
 * platform is missing: the async reads then decompress through `zstddec` like the synchronous ones.
 * Loaded once, by a guarded require, so bundles keep it external (as the encoder's compress).
 */
export function nativeZstdDecompress(): ZstdDecompress | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  try {
    const require = createRequire(import.meta.url);
    const module: unknown = require('@mongodb-js/zstd/bindings');
    const decompress = typeof module === 'object' && module !== null ? (module as { decompress?: unknown }).decompress : undefined;
    loaded = typeof decompress === 'function'
      ? (bytes) => (decompress as (b: Buffer) => Promise<Buffer>)(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      : null;
  } catch {
    loaded = null;
  }
  return loaded ?? undefined;
}
