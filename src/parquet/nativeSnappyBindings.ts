import { createRequire } from 'node:module';

/** Decompresses one raw Snappy block (Parquet's SNAPPY pages: no stream framing). */
export type SnappyUncompress = (block: Uint8Array) => Uint8Array;

/**
 * The output copied into memory V8 allocates: napi-rs' default hands back an external buffer whose
 * size the garbage collector does not see (3 GiB of 256 KiB pages grew the RSS to 2.9 GiB, against
 * 120 MiB with the copy), and the copy was also the faster of the two (6.0 s against 10.6 s).
 */
const COPY_OUTPUT = { copyOutputData: true } as const;

let loaded: SnappyUncompress | null | undefined;

/**
 * The `snappy` package's synchronous native decompression (Rust's snap crate through napi-rs), or
 * undefined when its binary for this platform is missing (e.g. a .vsix built on another platform):
 * hyparquet's JavaScript decoder then does the work. Loaded once, on the first Snappy page that
 * needs it, by a guarded require, so bundles keep it external.
 */
export function nativeSnappyUncompress(): SnappyUncompress | undefined {
  if (loaded === undefined) loaded = snappyUncompressOf(() => createRequire(import.meta.url)('snappy')) ?? null;
  return loaded ?? undefined;
}

/** The guarded load behind nativeSnappyUncompress, given how to load the module (a test hands a failing one). */
export function snappyUncompressOf(load: () => unknown): SnappyUncompress | undefined {
  let uncompressSync: unknown;
  try {
    const module = load();
    uncompressSync = typeof module === 'object' && module !== null ? (module as { uncompressSync?: unknown }).uncompressSync : undefined;
  } catch {
    return undefined;
  }
  if (typeof uncompressSync !== 'function') return undefined;
  const call = uncompressSync as (input: Uint8Array, options: typeof COPY_OUTPUT) => unknown;
  return (block) => {
    const output = call(block, COPY_OUTPUT);
    if (!(output instanceof Uint8Array)) throw new Error('the native Snappy decompressor returned no bytes');
    return output;
  };
}
