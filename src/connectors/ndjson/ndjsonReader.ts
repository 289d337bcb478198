import type { RecordBatch } from 'apache-arrow';
import { DeltaError } from '../../delta/errors';
import type { StructField, StructType } from '../../delta/schema';
import type { NamedColumnType } from '../columnTypeList';
import { RowBatcher, type ParsedRow } from '../rowBatcher';
import type { RowSource } from '../rowSource';
import { readTextChunks } from '../textChunks';
import type { TextSourceOptions } from '../textSourceOptions';
import { textFormats, type TextFormats } from '../textValues';
import { JsonNumberText, parseExactJson, type JsonValue } from './exactJson';
import { jsonToCell, jsonTypeOf, mergeTypes, type InferredType } from './jsonTypes';

export type NdjsonReadOptions = TextSourceOptions;

interface Line {
  text: string;
  /** 1-based line number. */
  line: number;
}

/**
 * Opens a newline-delimited JSON file: one pass infers the schema over every line (only the
 * merged type is kept, so memory does not grow with the file, and no field seen late is dropped),
 * a second pass streams typed batches. Each line must be one JSON object; nested objects become
 * structs and arrays arrays. A line that is not valid JSON, not an object, or whose values do not
 * fit the declared types is a bad row.
 */
export async function openNdjsonFile(path: string, options: NdjsonReadOptions = {}): Promise<RowSource> {
  const formats = textFormats(options);
  let inferred: InferredType = null;
  for await (const lines of ndjsonLines(path, options.signal)) {
    for (const { text } of lines) {
      const value = tryParse(text);
      if (value && isObject(value)) inferred = mergeTypes(inferred, jsonTypeOf(value));
    }
  }
  const schema = applyDeclared(inferred, options.schema, path);
  const batcher = new RowBatcher(schema, path, options);

  async function* batches(): AsyncGenerator<RecordBatch> {
    for await (const lines of ndjsonLines(path, options.signal)) {
      for (const { text, line } of lines) {
        const full = await batcher.add(typedRow(text, schema, formats), line, text);
        if (full) yield full;
      }
    }
    const last = batcher.finish();
    if (last) yield last;
  }
  return { schema, batches: batches(), counts: batcher.counts };
}

/** One line as the schema's cells, or why it cannot be a row. */
function typedRow(text: string, schema: StructType, formats: TextFormats): ParsedRow {
  const value = tryParse(text);
  if (value === undefined) return { error: 'it is not valid JSON' };
  if (!isObject(value)) return { error: 'it is not a JSON object' };
  if (schema.fields.length === 0) return { error: 'the object has no fields' };
  const cells = jsonToCell(value, schema, formats, '');
  if ('error' in cells) return cells;
  const record = cells.value as Record<string, null>;
  return { value: schema.fields.map((f) => record[f.name] ?? null) };
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
