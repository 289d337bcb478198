import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { NamedColumnType } from '../../connectors/columnTypeList';
import { openCsvFile } from '../../connectors/csv/csvReader';
import { openNdjsonFile } from '../../connectors/ndjson/ndjsonReader';
import { openParquetFile } from '../../connectors/parquet/parquetRowSource';
import type { RowSource } from '../../connectors/rowSource';
import type { StructType } from '../../delta/schema';
import { UsageError } from '../errors';

export type SourceFormat = 'csv' | 'ndjson' | 'parquet';

export const SOURCE_FORMATS = ['csv', 'ndjson', 'parquet'] as const;

const EXTENSIONS: Readonly<Record<string, SourceFormat>> = {
  '.csv': 'csv', '.tsv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'ndjson', '.parquet': 'parquet', '.parq': 'parquet',
};

export interface OpenedSource {
  source: RowSource;
  /** Removes the temp copy of stdin, if any. */
  close(): Promise<void>;
}

/**
 * Opens the input file of `write` and `merge` (`-` is stdin, copied to a temp file first since
 * Parquet needs random access and the text readers read twice). When the target table exists, its
 * column types are declared to the CSV/NDJSON readers, so text values are read as the table's
 * types instead of inferred ones (an id column of a long table stays long even if it fits an int).
 */
export async function openSourceFile(
  command: string, path: string, format: SourceFormat | undefined, table: StructType | undefined, stdin: Readable, signal: AbortSignal,
): Promise<OpenedSource> {
  let file = path;
  let temp: string | undefined;
  if (path === '-') {
    if (!format) throw new UsageError('reading stdin (-) needs --format csv, ndjson or parquet', command);
    temp = await mkdtemp(join(tmpdir(), 'lakehouse-stdin-'));
    file = join(temp, `stdin.${format}`);
    await pipeline(stdin, createWriteStream(file), { signal });
  }
  const close = async (): Promise<void> => {
    if (temp) await rm(temp, { recursive: true, force: true });
  };
  try {
    const kind = format ?? EXTENSIONS[extname(file).toLowerCase()];
    if (!kind) throw new UsageError(`cannot tell the format of ${path} from its extension; give --format csv, ndjson or parquet`, command);
    const declared = (table?.fields ?? [])
      .filter((f) => f.type.kind === 'primitive' || f.type.kind === 'decimal')
      .map((f): NamedColumnType => ({ name: f.name, type: f.type }));
    const source = await openKind(kind, file, declared, signal);
    return { source, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openKind(kind: SourceFormat, file: string, declared: NamedColumnType[], signal: AbortSignal): Promise<RowSource> {
  switch (kind) {
    case 'parquet':
      return openParquetFile(file, signal);
    case 'ndjson':
      return openNdjsonFile(file, { schema: declared, signal });
    case 'csv': {
      const delimiter = extname(file).toLowerCase() === '.tsv' ? '\t' : ',';
      if (declared.length === 0) return openCsvFile(file, { delimiter, signal });
      // The CSV reader refuses declared columns the header lacks: learn the header first.
      const header = (await openCsvFile(file, { delimiter, signal, inferRows: 0 })).schema.fields.map((f) => f.name.toLowerCase());
      return openCsvFile(file, { delimiter, signal, schema: declared.filter((c) => header.includes(c.name.toLowerCase())) });
    }
  }
}
