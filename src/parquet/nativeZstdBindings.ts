import { createRequire } from 'node:module';

/** What `@mongodb-js/zstd`'s native bindings export, unchecked: callers test each call they use. */
interface ZstdBindings { compress?: unknown; decompress?: unknown }

let loaded: ZstdBindings | null | undefined;

/**
 * `@mongodb-js/zstd`'s native bindings (libzstd on libuv's thread pool), or undefined when its
 * binary for this platform is missing (e.g. a .vsix built on another platform). Its `bindings`
 * entry, not the package's main one: in 1.2.2 the main `compress(data)` drops the level. Loaded
 * once, by a guarded require, so bundles keep it external; the encoder and the decoder share it.
 */
export function nativeZstdBindings(): ZstdBindings | undefined {
  if (loaded === undefined) {
    try {
      const module: unknown = createRequire(import.meta.url)('@mongodb-js/zstd/bindings');
      loaded = typeof module === 'object' && module !== null ? module : null;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** The bytes as a Buffer over the same memory (the bindings take Buffers). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
