import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { openCsvFile } from '../../connectors/csv/csvReader';
import { openNdjsonFile } from '../../connectors/ndjson/ndjsonReader';
import { openParquetFile } from '../../connectors/parquet/parquetRowSource';
import { DeltaError } from '../../delta/errors';
import type { StructType } from '../../delta/schema';
import { isHiddenPath } from '../../ops/convert/listParquetFiles';
import type { ImportFormat } from '../../ops/importFile/importFiles';
import { LocalFileStore } from '../../storage/localFileStore';

/** What a copy-mode import would read, shown before anything is written. */
export interface CopySourcePreview {
  files: string[];
  format: ImportFormat;
  /** The first file's schema (header and inferred types for CSV/NDJSON, footer for Parquet). */
  schema: StructType;
}

/** The extensions importFiles takes a format from, so the preview lists the files the import reads. */
const FORMATS: Record<string, ImportFormat> = {
  '.csv': 'csv', '.tsv': 'csv', '.txt': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'ndjson', '.parquet': 'parquet', '.parq': 'parquet',
};

/**
 * The files a copy import of `source` (a file or a folder) takes and the schema the table would
 * get. Only the first file's header and inference sample are read; importFiles settles the same
 * schema from the same file when it runs.
 */
export async function previewCopySource(source: string): Promise<CopySourcePreview> {
  const info = await stat(source);
  const candidates = info.isFile()
    ? [source]
    : (await new LocalFileStore(source).list('', { recursive: true }))
      .filter((o) => !isHiddenPath(o.path))
      .map((o) => resolve(source, o.path))
      .filter((path) => FORMATS[extname(path).toLowerCase()] !== undefined)
      .sort();
  const first = candidates[0];
  const format = first === undefined ? undefined : FORMATS[extname(first).toLowerCase()];
  if (first === undefined || format === undefined) {
    throw new DeltaError('DELTA_FILE_NOT_FOUND', `${source} holds no CSV, NDJSON or Parquet file to import.`);
  }
  const files = candidates.filter((path) => FORMATS[extname(path).toLowerCase()] === format);
  const opened = format === 'csv'
    ? await openCsvFile(first, extname(first).toLowerCase() === '.tsv' ? { delimiter: '\t' } : {})
    : format === 'ndjson' ? await openNdjsonFile(first) : await openParquetFile(first);
  // The sample is all we need: close the reader without streaming the rest of the file.
  await opened.batches[Symbol.asyncIterator]().return?.();
  return { files, format, schema: opened.schema };
}
