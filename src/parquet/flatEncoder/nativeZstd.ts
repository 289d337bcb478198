import { createRequire } from 'node:module';

/** Compresses bytes with ZSTD at `level` off the JS thread. */
export type ZstdCompress = (bytes: Uint8Array, level: number) => Promise<Uint8Array>;

let loaded: ZstdCompress | null | undefined;

/**
 * `@mongodb-js/zstd`'s native compress (libzstd on libuv's thread pool), or undefined when its
 * binary for this platform is missing (e.g. a .vsix built on another platform): callers then
 * encode through parquet-wasm. Loaded once, by a guarded require, so bundles keep it external.
 * Its `bindings` entry, not the package's main one: in 1.2.2 the main `compress(data)` drops the
 * level, so every call ran at libzstd's default level whatever we asked.
 */
export function nativeZstd(): ZstdCompress | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  try {
    const require = createRequire(import.meta.url);
    const module: unknown = require('@mongodb-js/zstd/bindings');
    const compress = typeof module === 'object' && module !== null ? (module as { compress?: unknown }).compress : undefined;
    loaded = typeof compress === 'function'
      ? (bytes, level) => (compress as (b: Buffer, l: number) => Promise<Buffer>)(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), level)
      : null;
  } catch {
    loaded = null;
  }
  return loaded ?? undefined;
}
