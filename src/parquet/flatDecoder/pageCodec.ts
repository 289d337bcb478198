import { gunzipSync } from 'node:zlib';
import { snappyUncompress } from 'hyparquet';
import { nativeSnappyUncompress, type SnappyUncompress } from '../nativeSnappyBindings';
import { decompressZstd, wasmZstdReady } from './wasmZstd';

/** parquet.thrift `CompressionCodec` values the flat decoder can decompress. */
export const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, ZSTD: 6 } as const;

/**
 * Whether pages of `codec` can be decompressed now: ZSTD once its WebAssembly decoder has loaded, or
 * when the caller decompresses ZSTD pages natively ahead of decoding (`nativeZstd`).
 */
export function isSupportedCodec(codec: number, nativeZstd = false): boolean {
  return codec === CODEC.UNCOMPRESSED || codec === CODEC.SNAPPY || codec === CODEC.GZIP || (codec === CODEC.ZSTD && (nativeZstd || wasmZstdReady()));
}

/**
 * Decompresses one page body synchronously (decodeParquet is synchronous). ZSTD goes through libzstd
 * in WebAssembly (wasmZstd.ts): the native binding we encode with only offers an async API.
 */
export function decompressPage(codec: number, input: Uint8Array, uncompressedSize: number): Uint8Array {
  if (uncompressedSize === 0 && codec !== CODEC.UNCOMPRESSED) return new Uint8Array(0);
  switch (codec) {
    case CODEC.UNCOMPRESSED:
      return input;
    case CODEC.SNAPPY:
      return decompressSnappy(input, uncompressedSize);
    case CODEC.ZSTD:
      return decompressZstd(input, uncompressedSize);
    case CODEC.GZIP: {
      const output = gunzipSync(input);
      return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
    }
    default:
      throw new Error(`compression codec ${codec} is not supported by the flat decoder`);
  }
}


/**
 * Below this many decompressed bytes a Snappy page stays with hyparquet's JavaScript decoder: the
 * call into the native one costs about as much as it saves at 256 bytes; from 1 KiB the native one
 * takes 0.7x the CPU, from 8 KiB 0.3x to 0.5x (pieces of the reader benchmark's pages, recompressed).
 */
export const NATIVE_SNAPPY_MIN_BYTES = 512;

/**
 * Decompresses one Snappy page: natively when the binding loaded and the page is not small, and
 * synchronously: the same pages through the binding's async call on libuv's pool took 1.2x to 1.8x
 * the CPU (ZSTD gains there; Snappy is too cheap for the hop). `native` gets the binding (undefined:
 * JavaScript only); tests pass their own.
 */
export function decompressSnappy(
  input: Uint8Array, uncompressedSize: number, native: () => SnappyUncompress | undefined = nativeSnappyUncompress,
): Uint8Array {
  const uncompress = uncompressedSize >= NATIVE_SNAPPY_MIN_BYTES ? native() : undefined;
  if (uncompress !== undefined) {
    const output = uncompress(input);
    if (output.byteLength !== uncompressedSize) throw new Error(`a Snappy page decompressed to ${output.byteLength} bytes, its header says ${uncompressedSize}`);
    return output;
  }
  const output = new Uint8Array(uncompressedSize);
  snappyUncompress(input, output);
  return output;
}
