import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import type { BadRow } from '../../connectors/badRows';
import { parseColumnTypeList, type NamedColumnType } from '../../connectors/columnTypeList';
import { openCsvFile } from '../../connectors/csv/csvReader';
import { openNdjsonFile } from '../../connectors/ndjson/ndjsonReader';
import { openParquetFile } from '../../connectors/parquet/parquetRowSource';
import type { RowSource } from '../../connectors/rowSource';
import { DeltaError } from '../../delta/errors';
import type { StructType } from '../../delta/schema';
import { writeTable } from '../../delta/write/writeTable';
import { LocalFileStore } from '../../storage/localFileStore';
import type { ProgressCallback } from '../../util/progress';
import { isHiddenPath } from '../convert/listParquetFiles';

export type ImportFormat = 'csv' | 'ndjson' | 'parquet';

export interface ImportOptions {
  /** Taken from the file extension when omitted (.csv/.tsv, .ndjson/.jsonl/.json, .parquet). */
  format?: ImportFormat;
  mode?: 'append' | 'overwrite';
  /** Partition columns of a table being created. */
  partitionBy?: string[];
  /** `"id long, ts timestamp"`: types of some columns; the others are inferred. */
  schema?: string;
  delimiter?: string;
  quote?: string;
  header?: boolean;
  nullValues?: string[];
  dateFormat?: string;
  timestampFormat?: string;
  /** Bad rows go to this file (NDJSON, one row per line) and are counted, instead of failing the import. */
  badRowsPath?: string;
  targetFileSize?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface ImportResult {
  /** The committed version; undefined when there was nothing to write. */
  version: number | undefined;
  sourceFiles: string[];
  rowsImported: number;
  badRows: number;
  badRowsFile: string | undefined;
  filesAdded: number;
  bytesAdded: number;
}

const EXTENSIONS: Record<string, ImportFormat> = {
  '.csv': 'csv', '.tsv': 'csv', '.txt': 'csv',
  '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'ndjson',
  '.parquet': 'parquet', '.parq': 'parquet',
};

/**
 * Copies a CSV, NDJSON or Parquet file, or a folder of them, into a Delta table (created when
 * missing) in one commit through the data writer, which applies the table's target file size and
 * partitioning. Rows stream through in batches: memory is bounded by the batch size and the
 * writer's buffers, not by the input. Every row read is either written or, with badRowsPath,
 * written aside and counted: rowsImported + badRows is the number of data rows read.
 */
export async function importFiles(source: string, table: string, options: ImportOptions = {}): Promise<ImportResult> {
  const files = await sourceFiles(resolve(source), options.format);
  const declared = options.schema === undefined ? [] : parseColumnTypeList(options.schema, '--schema');
  const badRowsOut = options.badRowsPath === undefined ? undefined : createWriteStream(options.badRowsPath, { flags: 'w' });
  const counts = { rows: 0, badRows: 0 };
  const onBadRow = badRowsOut ? async (bad: BadRow) => writeLine(badRowsOut, JSON.stringify(bad)) : undefined;
  const progress = options.onProgress ?? (() => undefined);
  try {
    const batches = sourceBatches(files, declared, options, counts, onBadRow, progress);
    const iterator = batches[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) return { version: undefined, sourceFiles: files.map((f) => f.path), rowsImported: 0, badRows: counts.badRows, badRowsFile: options.badRowsPath, filesAdded: 0, bytesAdded: 0 };
    const summary = await writeTable(table, chain(first.value, iterator), {
      mode: options.mode ?? 'append',
      ...(options.partitionBy ? { partitionBy: options.partitionBy } : {}),
      ...(options.targetFileSize !== undefined ? { targetFileSize: options.targetFileSize } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return {
      version: summary.version, sourceFiles: files.map((f) => f.path), rowsImported: counts.rows, badRows: counts.badRows,
      badRowsFile: options.badRowsPath, filesAdded: summary.filesAdded, bytesAdded: summary.bytesAdded,
    };
  } finally {
    if (badRowsOut) await new Promise<void>((done) => badRowsOut.end(done));
  }
}

interface SourceFile { path: string; format: ImportFormat }

async function sourceFiles(path: string, format: ImportFormat | undefined): Promise<SourceFile[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new DeltaError('DELTA_FILE_NOT_FOUND', `${path} does not exist.`);
  if (info.isFile()) return [{ path, format: format ?? formatOf(path) }];
  const store = new LocalFileStore(path);
  const listed = (await store.list('', { recursive: true })).filter((o) => !isHiddenPath(o.path));
  const files = listed
    .filter((o) => format !== undefined ? EXTENSIONS[extname(o.path).toLowerCase()] === format : EXTENSIONS[extname(o.path).toLowerCase()] !== undefined)
    .map((o) => ({ path: resolve(path, o.path), format: format ?? formatOf(o.path) }));
  if (files.length === 0) throw new DeltaError('DELTA_FILE_NOT_FOUND', `${path} holds no ${format ?? 'CSV, NDJSON or Parquet'} files.`);
  const kinds = new Set(files.map((f) => f.format));
  if (kinds.size > 1) throw new DeltaError('DELTA_INVALID_ARGUMENT', `${path} mixes ${[...kinds].join(' and ')} files; import one format at a time (--format).`);
  return files;
}

function formatOf(path: string): ImportFormat {
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (!format) throw new DeltaError('DELTA_INVALID_ARGUMENT', `Cannot tell the format of ${basename(path)} from its extension; give --format csv, ndjson or parquet.`);
  return format;
}

/**
 * The batches of every file in turn. The first file's schema (inferred or declared) is declared
 * for the next ones, so a folder of files does not get a different type per file.
 */
async function* sourceBatches(
  files: readonly SourceFile[],
  declared: readonly NamedColumnType[],
  options: ImportOptions,
  counts: { rows: number; badRows: number },
  onBadRow: ((bad: BadRow) => Promise<void>) | undefined,
  progress: ProgressCallback,
): AsyncGenerator<RecordBatch> {
  let settled: readonly NamedColumnType[] = declared;
  for (const [index, file] of files.entries()) {
    options.signal?.throwIfAborted();
    progress(index, files.length, file.path);
    const withFile = onBadRow && (files.length > 1 ? (bad: BadRow) => onBadRow({ ...bad, file: file.path }) : onBadRow);
    const source = await openSource(file, settled, options, withFile);
    if (index === 0) settled = columnsOf(source.schema);
    for await (const batch of source.batches) {
      yield batch;
      progress(index, files.length, `${file.path}: ${counts.rows + source.counts.rows} rows`);
    }
    counts.rows += source.counts.rows;
    counts.badRows += source.counts.badRows;
  }
  progress(files.length, files.length, 'writing');
}

function openSource(file: SourceFile, schema: readonly NamedColumnType[], options: ImportOptions, onBadRow: ((bad: BadRow) => Promise<void>) | undefined): Promise<RowSource> {
  const common = {
    schema,
    ...(options.dateFormat ? { dateFormat: options.dateFormat } : {}),
    ...(options.timestampFormat ? { timestampFormat: options.timestampFormat } : {}),
    ...(onBadRow ? { onBadRow } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  switch (file.format) {
    case 'csv':
      return openCsvFile(file.path, {
        ...common,
        delimiter: options.delimiter ?? (extname(file.path).toLowerCase() === '.tsv' ? '\t' : ','),
        ...(options.quote !== undefined ? { quote: options.quote } : {}),
        ...(options.header !== undefined ? { header: options.header } : {}),
        ...(options.nullValues ? { nullValues: options.nullValues } : {}),
      });
    case 'ndjson':
      return openNdjsonFile(file.path, common);
    case 'parquet':
      return openParquetFile(file.path, options.signal);
  }
}

function columnsOf(schema: StructType): NamedColumnType[] {
  return schema.fields.map((f) => ({ name: f.name, type: f.type }));
}

async function* chain<T>(first: T, rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

async function writeLine(out: WriteStream, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await new Promise<void>((done) => out.once('drain', done));
}
