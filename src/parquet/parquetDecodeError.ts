/**
 * Raised for bytes that are not a readable Parquet file; callers wrap it with the file's name. In a
 * file of its own so that code which only reports decode failures (the worker pool, in a thread
 * that only encodes) does not load the decoders.
 */
export class ParquetDecodeError extends Error {
  override readonly name = 'ParquetDecodeError';
}
