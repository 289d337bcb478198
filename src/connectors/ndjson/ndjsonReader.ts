import type { RecordBatch } from 'apache-arrow';
import { DeltaError } from '../../delta/errors';
import type { StructField, StructType } from '../../delta/schema';
import { reportBadRow, type BadRowHandler } from '../badRows';
import { RecordBatchBuilder } from '../columnBuilder';
import type { NamedColumnType } from '../columnTypeList';
import type { RowSource } from '../csv/csvReader';
import { compileDateTimeFormat, ISO_FORMAT } from '../dateTimeFormat';
import { readTextChunks } from '../textChunks';
import type { TextFormats } from '../textValues';
import { JsonNumberText, parseExactJson, type JsonValue } from './exactJson';
import { jsonToCell, jsonTypeOf, mergeTypes, type InferredType } from './jsonTypes';

export interface NdjsonReadOptions {
  /** Types of some top-level fields by name; the others are inferred. */
  schema?: readonly NamedColumnType[];
  dateFormat?: string;
  timestampFormat?: string;
  batchRows?: number;
  batchBytes?: number;
  onBadRow?: BadRowHandler;
  signal?: AbortSignal;
}

interface Line {
  text: string;
  /** 1-based line number. */
  line: number;
}

const DEFAULT_BATCH_ROWS = 65_536;
const DEFAULT_BATCH_BYTES = 64 * 1024 * 1024;

/**
 * Opens a newline-delimited JSON file: one pass infers the schema over every line (only the
 * merged type is kept, so memory does not grow with the file, and no field seen late is dropped),
 * a second pass streams typed batches. Each line must be one JSON object; nested objects become
 * structs and arrays arrays. A line that is not valid JSON, not an object, or whose values do not
 * fit the declared types is a bad row.
 */
export async function openNdjsonFile(path: string, options: NdjsonReadOptions = {}): Promise<RowSource> {
  const formats: TextFormats = {
    date: options.dateFormat ? compileDateTimeFormat(options.dateFormat) : ISO_FORMAT,
    timestamp: options.timestampFormat ? compileDateTimeFormat(options.timestampFormat) : ISO_FORMAT,
  };
  let inferred: InferredType = null;
  for await (const lines of ndjsonLines(path, options.signal)) {
    for (const { text } of lines) {
      const value = tryParse(text);
      if (value && isObject(value)) inferred = mergeTypes(inferred, jsonTypeOf(value));
    }
  }
  const schema = applyDeclared(inferred, options.schema, path);
  const counts = { rows: 0, badRows: 0 };

  async function* batches(): AsyncGenerator<RecordBatch> {
    const builder = new RecordBatchBuilder(schema);
    const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
    const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    let row = 0;
    for await (const lines of ndjsonLines(path, options.signal)) {
      for (const { text, line } of lines) {
        row++;
        const value = tryParse(text);
        const cells = value === undefined ? { error: 'it is not valid JSON' }
          : !isObject(value) ? { error: 'it is not a JSON object' }
            : schema.fields.length === 0 ? { error: 'the object has no fields' }
              : jsonToCell(value, schema, formats, '');
        if ('error' in cells) {
          counts.badRows++;
          await reportBadRow({ row, line, reason: cells.error, source: text }, path, options.onBadRow);
          continue;
        }
        const record = cells.value as Record<string, null>;
        builder.appendRow(schema.fields.map((f) => record[f.name] ?? null));
        counts.rows++;
        if (builder.rows >= batchRows || builder.bytes >= batchBytes) yield builder.flush();
      }
    }
    if (builder.rows > 0) yield builder.flush();
  }
  return { schema, batches: batches(), counts };
}

/**
 * Non-blank lines with their numbers, a chunk's worth at a time (an async step per line would
 * dominate at millions of lines); a byte order mark and CR before LF are not data.
 */
async function* ndjsonLines(path: string, signal: AbortSignal | undefined): AsyncGenerator<Line[]> {
  let pending = '';
  let line = 0;
  let first = true;
  const take = (text: string, into: Line[]): void => {
    line++;
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.trim() !== '') into.push({ text: trimmed, line });
  };
  for await (let chunk of readTextChunks(path, signal)) {
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const lines: Line[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      take(pending + chunk.slice(start, nl), lines);
      pending = '';
      start = nl + 1;
    }
    pending += chunk.slice(start);
    if (lines.length > 0) yield lines;
  }
  const last: Line[] = [];
  if (pending !== '') take(pending, last);
  if (last.length > 0) yield last;
}

function tryParse(text: string): JsonValue | undefined {
  try {
    return parseExactJson(text);
  } catch {
    return undefined;
  }
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumberText);
}

function applyDeclared(inferred: InferredType, declared: readonly NamedColumnType[] | undefined, path: string): StructType {
  const fields: StructField[] = inferred?.kind === 'struct' ? [...inferred.fields] : [];
  for (const column of declared ?? []) {
    const index = fields.findIndex((f) => f.name === column.name);
    const field: StructField = { name: column.name, type: column.type, nullable: true, metadata: {} };
    if (index >= 0) fields[index] = field;
    else fields.push(field);
  }
  if (fields.some((f) => f.name === '')) {
    throw new DeltaError('SOURCE_BAD_ROW', `${path} has an object with an empty key; Delta column names cannot be empty.`);
  }
  return { kind: 'struct', fields };
}
