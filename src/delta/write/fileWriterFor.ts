import type { ParquetCompression } from '../../parquet/writeParquet';
import { DeltaError } from '../errors';
import type { StructField, StructType } from '../schema';
import type { Transaction } from '../transaction/transaction';
import { DataFileWriter, DEFAULT_TARGET_FILE_SIZE } from './dataFileWriter';
import { materializedRowFields } from './materializedRowColumns';
import { statsOptionsFromProperties } from './statsCollector';

export interface FileWriterOptions {
  /** Overrides `delta.targetFileSize`. */
  targetFileSize?: number;
  compression?: ParquetCompression;
  signal?: AbortSignal;
}

const SIZE_TEXT = /^(\d+)\s*(b|k|kb|m|mb|g|gb)?$/i;
const UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/**
 * A data file writer configured by the table a transaction writes to (schema, partitioning,
 * properties); `schema` overrides the table's for files with extra columns (change data). Its
 * data files hold the materialized row tracking columns, for rewrites whose rows keep their ids.
 */
export function fileWriterFor(tx: Transaction, options: FileWriterOptions = {}, directory = '', schema: StructType = tx.schema): DataFileWriter {
  // Row ids travel with copied and updated rows in data files; change data files have none.
  return writerFor(tx, options, directory, schema, directory === '' ? materializedRowFields(tx.metadata) : []);
}

/**
 * A writer for rows new to the table (appends, overwrites): like Spark's, its files leave out the
 * materialized row tracking columns, which would be all null; readers take such a row's id from
 * its file's baseRowId plus its row index, and its commit version from defaultRowCommitVersion.
 */
export function appendFileWriterFor(tx: Transaction, options: FileWriterOptions = {}): DataFileWriter {
  return writerFor(tx, options, '', tx.schema, []);
}

function writerFor(tx: Transaction, options: FileWriterOptions, directory: string, schema: StructType, hiddenColumns: StructField[]): DataFileWriter {
  const properties = tx.properties;
  const dvs = properties['delta.enableDeletionVectors'] === 'true';
  return new DataFileWriter({
    store: tx.store,
    schema,
    partitionColumns: tx.partitionColumns,
    columnMappingMode: tx.columnMappingMode,
    stats: statsOptionsFromProperties(properties, dvs),
    targetFileSize: options.targetFileSize ?? parseSize(properties['delta.targetFileSize']) ?? DEFAULT_TARGET_FILE_SIZE,
    directory,
    ...(hiddenColumns.length > 0 ? { hiddenColumns } : {}),
    ...(options.compression ? { compression: options.compression } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** `delta.targetFileSize`: bytes, optionally with a unit as Spark accepts (`134217728`, `128mb`). */
function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = SIZE_TEXT.exec(text.trim());
  if (!m) throw new DeltaError('DELTA_INVALID_ARGUMENT', `delta.targetFileSize must be a size in bytes such as 134217728 or 128mb, not "${text}".`);
  return Number(m[1]) * (UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1);
}
