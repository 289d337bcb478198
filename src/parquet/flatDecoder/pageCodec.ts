import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { snappyUncompress } from 'hyparquet';

/** parquet.thrift `CompressionCodec` values the flat decoder can decompress. */
export const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, ZSTD: 6 } as const;

export function isSupportedCodec(codec: number): boolean {
  return codec === CODEC.UNCOMPRESSED || codec === CODEC.SNAPPY || codec === CODEC.GZIP || codec === CODEC.ZSTD;
}

/**
 * Decompresses one page body synchronously (decodeParquet is synchronous). ZSTD goes through
 * `fzstd`, a small pure-JS decoder: the native binding we encode with only offers an async API.
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
    case CODEC.ZSTD: {
      const output = zstdDecompress(input, new Uint8Array(uncompressedSize));
      if (output.byteLength !== uncompressedSize) throw new Error(`a ZSTD page decompressed to ${output.byteLength} bytes, its header says ${uncompressedSize}`);
      return output;
    }
    case CODEC.GZIP: {
      const output = gunzipSync(input);
      return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
    }
    default:
      throw new Error(`compression codec ${codec} is not supported by the flat decoder`);
  }
}
