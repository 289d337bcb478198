import type { RecordBatch } from 'apache-arrow';
import { DeltaError } from '../../delta/errors';
import type { StructType } from '../../delta/schema';
import type { Cell } from '../columnBuilder';
import type { NamedColumnType } from '../columnTypeList';
import { RowBatcher, type ParsedRow } from '../rowBatcher';
import type { RowSource } from '../rowSource';
import { readTextChunks } from '../textChunks';
import type { TextSourceOptions } from '../textSourceOptions';
import { parseTextCell, textFormats, TextTypeInferrer, type TextFormats } from '../textValues';
import { CsvTokenizer, type CsvRecord } from './csvTokenizer';

export interface CsvReadOptions extends TextSourceOptions {
  delimiter?: string;
  quote?: string;
  /** The first record names the columns (default); without it columns are `_c0`, `_c1`, ... or the --schema names. */
  header?: boolean;
  /** Unquoted fields equal to one of these are NULL; default: the empty field only. */
  nullValues?: readonly string[];
  /** Records sampled for type inference (they are kept in memory until written). */
  inferRows?: number;
}

const DEFAULT_INFER_ROWS = 10_000;

/**
 * Opens a CSV file: reads the header and a sample to settle the schema, then streams typed record
 * batches of bounded size. A row with the wrong number of fields, a malformed quote or a value that
 * does not parse as its column's type is a bad row, reported with its row and line number.
 */
export async function openCsvFile(path: string, options: CsvReadOptions = {}): Promise<RowSource> {
  const tokenizer = new CsvTokenizer({ delimiter: options.delimiter ?? ',', quote: options.quote ?? '"' });
  const records = recordsOf(readTextChunks(path, options.signal), tokenizer);
  const formats = textFormats(options);
  const nullValues = new Set(options.nullValues ?? ['']);
  const isNull = (record: CsvRecord, i: number): boolean => !record.quoted[i] && nullValues.has(record.fields[i] as string);

  const sample: CsvRecord[] = [];
  let names: string[];
  if (options.header ?? true) {
    const first = await records.next();
    if (first.done) return emptySource(options.schema);
    names = headerNames(first.value, path);
  } else {
    const first = await records.next();
    if (first.done) return emptySource(options.schema);
    sample.push(first.value);
    const given = options.schema?.map((c) => c.name);
    names = given && given.length === first.value.fields.length ? given : first.value.fields.map((_, i) => `_c${i}`);
  }
  const limit = options.inferRows ?? DEFAULT_INFER_ROWS;
  while (sample.length < limit) {
    const next = await records.next();
    if (next.done) break;
    sample.push(next.value);
  }
  const schema = settleSchema(names, sample, options.schema, formats, isNull, path);
  const batcher = new RowBatcher(schema, path, options);
  const add = (record: CsvRecord): Promise<RecordBatch | undefined> =>
    batcher.add(typedRow(record, schema, formats, isNull), record.line, record.fields);

  async function* batches(): AsyncGenerator<RecordBatch> {
    for (const record of sample.splice(0)) {
      const full = await add(record);
      if (full) yield full;
    }
    for (let next = await records.next(); !next.done; next = await records.next()) {
      options.signal?.throwIfAborted();
      const full = await add(next.value);
      if (full) yield full;
    }
    const last = batcher.finish();
    if (last) yield last;
  }
  return { schema, batches: batches(), counts: batcher.counts };
}

/**
 * Records one at a time, tokenized a chunk at a time: an async step per chunk, not per record,
 * which matters at millions of rows. Blank lines separate nothing in CSV (Spark skips them too).
 */
function recordsOf(chunks: AsyncIterable<string>, tokenizer: CsvTokenizer): { next(): Promise<IteratorResult<CsvRecord, undefined>> } {
  const source = chunks[Symbol.asyncIterator]();
  let pending: CsvRecord[] = [];
  let index = 0;
  let ended = false;
  return {
    async next() {
      for (;;) {
        while (index < pending.length) {
          const record = pending[index++] as CsvRecord;
          if (record.fields.length === 1 && record.fields[0] === '' && !record.quoted[0] && !record.error) continue;
          return { done: false, value: record };
        }
        if (ended) return { done: true, value: undefined };
        const chunk = await source.next();
        pending = chunk.done ? tokenizer.end() : tokenizer.push(chunk.value);
        ended = chunk.done === true;
        index = 0;
      }
    },
  };
}

function headerNames(record: CsvRecord, path: string): string[] {
  if (record.error) throw new DeltaError('SOURCE_BAD_ROW', `${path}: the header (line ${record.line}) is malformed: ${record.error}.`);
  const seen = new Set<string>();
  return record.fields.map((raw, i) => {
    const name = raw.trim() === '' ? `_c${i}` : raw.trim();
    if (seen.has(name.toLowerCase())) throw new DeltaError('SOURCE_BAD_ROW', `${path}: the header names column "${name}" twice; column names must be unique (case-insensitively).`);
    seen.add(name.toLowerCase());
    return name;
  });
}

function settleSchema(
  names: readonly string[],
  sample: readonly CsvRecord[],
  declared: readonly NamedColumnType[] | undefined,
  formats: TextFormats,
  isNull: (record: CsvRecord, i: number) => boolean,
  path: string,
): StructType {
  const byName = new Map((declared ?? []).map((c) => [c.name.toLowerCase(), c]));
  const unknown = (declared ?? []).filter((c) => !names.some((n) => n.toLowerCase() === c.name.toLowerCase()));
  if (unknown.length > 0) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `--schema names ${unknown.map((c) => `"${c.name}"`).join(', ')}, which ${path} does not have (its columns: ${names.join(', ')}).`);
  }
  return {
    kind: 'struct',
    fields: names.map((name, i) => {
      const given = byName.get(name.toLowerCase());
      if (given) return { name, type: given.type, nullable: true, metadata: {} };
      const inferrer = new TextTypeInferrer(formats);
      for (const record of sample) {
        // Malformed and ragged rows become bad rows later; they must not sway the types.
        if (record.error || record.fields.length !== names.length || isNull(record, i)) continue;
        inferrer.observe(record.fields[i] as string);
      }
      return { name, type: inferrer.type, nullable: true, metadata: {} };
    }),
  };
}

function typedRow(
  record: CsvRecord,
  schema: StructType,
  formats: TextFormats,
  isNull: (record: CsvRecord, i: number) => boolean,
): ParsedRow {
  if (record.error) return { error: record.error };
  if (record.fields.length !== schema.fields.length) {
    return { error: `it has ${record.fields.length} field(s), but the header has ${schema.fields.length}` };
  }
  const cells: Cell[] = [];
  for (const [i, field] of schema.fields.entries()) {
    if (isNull(record, i)) {
      cells.push(null);
      continue;
    }
    const parsed = parseTextCell(record.fields[i] as string, field.type, formats);
    if ('error' in parsed) return { error: `column ${field.name}: ${parsed.error}` };
    cells.push(parsed.value);
  }
  return { value: cells };
}

function emptySource(declared: readonly NamedColumnType[] | undefined): RowSource {
  const schema: StructType = { kind: 'struct', fields: (declared ?? []).map((c) => ({ name: c.name, type: c.type, nullable: true, metadata: {} })) };
  return { schema, batches: (async function* () { /* an empty file has no rows */ })(), counts: { rows: 0, badRows: 0 } };
}
