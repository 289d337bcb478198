import { Table as ArrowTable, tableToIPC, type RecordBatch } from 'apache-arrow';
import { Compression, EnabledStatistics, Table, WriterPropertiesBuilder, writeParquet, type WriterProperties } from 'parquet-wasm/node';

export type ParquetCompression = 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'uncompressed';

export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = ['zstd', 'snappy', 'gzip', 'lz4', 'uncompressed'];

export interface ParquetWriteOptions {
  /** Codec of every column chunk; ZSTD by default (smallest files at a good speed). */
  compression?: ParquetCompression;
  /** Rows per row group; parquet-wasm's default (1M rows) when omitted. */
  rowGroupSize?: number;
  /**
   * Top-level columns written without a dictionary (PLAIN), e.g. the ones `plainColumns` picks:
   * every other column is dictionary-encoded, arrow-rs' default.
   */
  plainColumns?: readonly string[];
}

const CODECS: Record<ParquetCompression, Compression> = {
  zstd: Compression.ZSTD,
  snappy: Compression.SNAPPY,
  gzip: Compression.GZIP,
  lz4: Compression.LZ4_RAW,
  uncompressed: Compression.UNCOMPRESSED,
};

/**
 * Encodes record batches of one schema as a Parquet file through parquet-wasm (arrow-rs). Field
 * names and `PARQUET:field_id` field metadata of the Arrow schema become the Parquet column names
 * and field ids; chunk statistics are always written (other engines skip row groups with them).
 */
export function encodeParquet(batches: readonly RecordBatch[], options: ParquetWriteOptions = {}): Uint8Array {
  const first = batches[0];
  if (!first) throw new RangeError('encodeParquet needs at least one record batch (it takes the schema from it).');
  const table = Table.fromIPCStream(tableToIPC(new ArrowTable(first.schema, [...batches]), 'stream'));
  // writeParquet consumes both the table and the properties (their wasm memory is freed).
  return writeParquet(table, parquetWriterProperties(options));
}

/** parquet-wasm writer properties for `options`, chunk statistics always on. */
export function parquetWriterProperties(options: ParquetWriteOptions): WriterProperties {
  let builder = new WriterPropertiesBuilder()
    .setCompression(CODECS[options.compression ?? 'zstd'])
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setCreatedBy('lakehouse-studio');
  if (options.rowGroupSize !== undefined) builder = builder.setMaxRowGroupSize(options.rowGroupSize);
  for (const column of options.plainColumns ?? []) builder = builder.setColumnDictionaryEnabled(column, false);
  return builder.build();
}

/** The file name suffix Spark uses for a codec, e.g. `.zstd.parquet`. */
export function parquetFileSuffix(compression: ParquetCompression): string {
  return compression === 'uncompressed' ? '.parquet' : `.${compression}.parquet`;
}
