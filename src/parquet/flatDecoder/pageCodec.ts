import { gunzipSync } from 'node:zlib';
import { snappyUncompress } from 'hyparquet';
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
    case CODEC.SNAPPY: {
      const output = new Uint8Array(uncompressedSize);
      snappyUncompress(input, output);
      return output;
    }
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

