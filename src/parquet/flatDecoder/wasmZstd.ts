import { ZSTDDecoder } from 'zstddec';

/**
 * Synchronous ZSTD decompression for the flat decoder through `zstddec` (libzstd's decoder compiled to
 * WebAssembly, 4 to 7 times the speed of the pure-JS `fzstd` on Parquet pages, measured). Its module
 * can only be instantiated asynchronously: that starts when this file loads, and until it is done the
 * planner leaves ZSTD files to parquet-wasm, so decodeParquet stays synchronous and exact.
 */
const decoder = new ZSTDDecoder();
let ready = false;
let failure: unknown;

const loading: Promise<void> = decoder.init().then(
  () => {
    ready = true;
  },
  (error: unknown) => {
    failure = error;
  },
);

/** Whether ZSTD pages can be decompressed now. */
export function wasmZstdReady(): boolean {
  return ready;
}

/** Resolves once the decoder is loaded (or failed to load): for tests and benchmarks that must not race it. */
export async function wasmZstdLoaded(): Promise<boolean> {
  await loading;
  return failure === undefined;
}

/** Decompresses one ZSTD frame of a known decompressed size. */
export function decompressZstd(input: Uint8Array, uncompressedSize: number): Uint8Array {
  if (!ready) throw new Error('the ZSTD decoder is still loading');
  const output = decoder.decode(input, uncompressedSize);
  if (output.byteLength !== uncompressedSize) throw new Error(`a ZSTD page decompressed to ${output.byteLength} bytes, its header says ${uncompressedSize}`);
  return output;
}
