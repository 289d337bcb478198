import { makeData, RecordBatch, Struct, type Schema } from 'apache-arrow';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { createColumnBuilder, type ColumnBuilder } from './arrowColumnBuilder';
import type { BatchLimits } from './binaryCopyBatches';
import { TextValueEncoder, type TextValueKind } from './pgTextValues';
import type { ColumnDecoding } from './pgTypeMapping';

/** Rows fetched per round trip: large enough that the round trips cost little next to the rows. */
const FETCH_ROWS = 4096;

/** Every value as the server's text output: the one form every PostgreSQL-wire server sends. */
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/**
 * Streams a SELECT's rows as Arrow batches of `schema`, for servers that speak PostgreSQL's wire
 * protocol but have no `COPY … TO STDOUT` (QuestDB, among others). A cursor (the extended protocol's
 * Execute with a row limit) fetches FETCH_ROWS at a time, so memory stays bounded by one batch; each
 * text value is re-encoded into its binary form and goes through the same column builders as COPY.
 */
export async function* queryBatches(
  client: pg.Client, sql: string, schema: Schema, columns: readonly ColumnDecoding[], limits: BatchLimits, signal?: AbortSignal,
): AsyncGenerator<RecordBatch> {
  const builders = schema.fields.map((field, i) => createColumnBuilder((columns[i] as ColumnDecoding).decoder, field.type, field.name));
  const kinds = columns.map(textKind);
  const names = schema.fields.map((f) => f.name);
  const encoder = new TextValueEncoder();
  const cursor = client.query(new Cursor<Array<string | null>>(sql, [], { rowMode: 'array', types: RAW_TEXT }));
  let rows = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const fetched = await cursor.read(FETCH_ROWS);
      if (fetched.length === 0) break;
      for (const row of fetched) {
        for (let c = 0; c < builders.length; c++) {
          const builder = builders[c] as ColumnBuilder;
          const text = row[c];
          if (text === null || text === undefined) {
            builder.appendNull();
          } else {
            const length = encoder.encode(kinds[c] as TextValueKind, text, names[c] as string);
            builder.append(encoder.bytes, encoder.view, 0, length);
          }
        }
        rows++;
        if (rows >= limits.rows || (rows % 256 === 0 && builders.reduce((sum, b) => sum + b.byteSize, 0) >= limits.bytes)) {
          yield finishBatch(schema, builders, rows);
          rows = 0;
        }
      }
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
  if (rows > 0) yield finishBatch(schema, builders, rows);
}

/** The first value of a one-row query as the server's text output (null for SQL NULL or no row). */
export async function queryScalarText(client: pg.Client, sql: string): Promise<string | null> {
  const result = await client.query<Array<string | null>>({ text: sql, rowMode: 'array', types: RAW_TEXT });
  return result.rows[0]?.[0] ?? null;
}

function textKind(column: ColumnDecoding): TextValueKind {
  const kind = column.decoder.kind;
  if (kind === 'bytes' && column.deltaType.kind === 'primitive' && column.deltaType.name === 'binary') return 'bytea';
  // Their text output is the string the Delta column holds (see textDecoding).
  if (kind === 'array' || kind === 'jsonb' || kind === 'uuid') return 'bytes';
  return kind;
}

function finishBatch(schema: Schema, builders: readonly ColumnBuilder[], rows: number): RecordBatch {
  const children = builders.map((b) => b.finish());
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
}
