import type pg from 'pg';
import { DeltaError } from '../../delta/errors';
import type { StructType } from '../../delta/schema';
import { sqlState } from './pgConnect';
import { decodingFor, type ColumnDecoding, type PgTypeInfo } from './pgTypeMapping';

/** What to read: a table (`schema.table`, resolved like PostgreSQL does, search_path included) or a query. */
export type PgSource = { table: string } | { query: string };

export interface PgSourceColumn extends ColumnDecoding {
  name: string;
  /** format_type(): the column's type as PostgreSQL spells it, e.g. `numeric(12,2)`, `text[]`. */
  pgType: string;
  nullable: boolean;
}

export interface PgSourceSchema {
  /** The FROM clause: the quoted qualified table name, or the parenthesised query with an alias. */
  from: string;
  /** The quoted `schema.table` for a table source. */
  table?: string;
  columns: PgSourceColumn[];
  /** Primary key column names in key order; empty for a query or a table without one. */
  primaryKey: string[];
  deltaSchema: StructType;
}

interface TypeRow { oid: number; typname: string; typtype: string; typelem: number; typbasetype: number; typtypmod: number }

/**
 * Reads a source's columns with their types, nullability and primary key (pg_catalog, which
 * CockroachDB and other wire-compatible servers also provide), and maps them to a Delta schema.
 */
export async function describePgSource(client: pg.Client, source: PgSource): Promise<PgSourceSchema> {
  let from: string;
  let table: string | undefined;
  let notNull = new Set<string>();
  let primaryKey: string[] = [];
  if ('table' in source) {
    const resolved = await client.query<{ oid: number | null; qualified: string | null }>(
      "SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS qualified FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)",
      [source.table]);
    const row = resolved.rows[0];
    if (!row?.oid || !row.qualified) {
      throw new DeltaError('SOURCE_NOT_FOUND', `PostgreSQL has no table or view "${source.table}" (as this user, with its search_path). Check the name, or write it as schema.table.`);
    }
    table = row.qualified;
    from = table;
    const attributes = await client.query<{ attname: string; attnotnull: boolean; key_position: number | null }>(
      `SELECT a.attname, a.attnotnull, array_position(i.indkey::int2[], a.attnum) AS key_position
         FROM pg_attribute a
         LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped`, [row.oid]);
    notNull = new Set(attributes.rows.filter((a) => a.attnotnull).map((a) => a.attname));
    primaryKey = attributes.rows.filter((a) => a.key_position !== null)
      .sort((a, b) => (a.key_position as number) - (b.key_position as number)).map((a) => a.attname);
  } else {
    from = `(${source.query}) AS source_query`;
  }
  return describeFrom(client, { from, table, notNull, primaryKey }, (fields) => describeColumns(client, fields));
}

/** A column named with its type oid and modifier: a query's field, a column of a pgoutput Relation message. */
export interface SourceField { name: string; typeOid: number; typmod: number; nullable: boolean }

/**
 * The schema of `SELECT * FROM <from>` (LIMIT 0: only its RowDescription is read), once the server's
 * own catalog gave the table, its NOT NULL columns and primary key; `columnsOf` maps the fields the
 * way that server is read.
 */
export async function describeFrom(
  client: pg.Client,
  found: { from: string; table: string | undefined; notNull: ReadonlySet<string>; primaryKey: string[] },
  columnsOf: (fields: SourceField[]) => PgSourceColumn[] | Promise<PgSourceColumn[]>,
): Promise<PgSourceSchema> {
  const { from, table, notNull, primaryKey } = found;
  let fields: pg.FieldDef[];
  try {
    fields = (await client.query(`SELECT * FROM ${from} LIMIT 0`)).fields;
  } catch (error) {
    throw queryError(error, table === undefined ? 'describing the query' : `reading table ${table}`);
  }
  checkDistinctNames(fields);
  const columns = await columnsOf(fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID, typmod: f.dataTypeModifier, nullable: !notNull.has(f.name) })));
  return {
    from, ...(table === undefined ? {} : { table }), columns, primaryKey,
    deltaSchema: { kind: 'struct', fields: columns.map((c) => ({ name: c.name, type: c.deltaType, nullable: c.nullable, metadata: {} })) },
  };
}

/** Columns (a query's fields, a pgoutput Relation message) mapped to Delta. */
export async function describeColumns(client: pg.Client, fields: readonly SourceField[]): Promise<PgSourceColumn[]> {
  const types = await loadTypes(client, fields.map((f) => f.typeOid));
  const formatted = await client.query<{ t: string }>(
    'SELECT format_type(t, m) AS t FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS u(t, m, o) ORDER BY o',
    [fields.map((f) => f.typeOid), fields.map((f) => f.typmod)]);
  return fields.map((field, i): PgSourceColumn => {
    const info = resolveType(types, field.typeOid);
    return {
      name: field.name,
      pgType: formatted.rows[i]?.t ?? info.type.name,
      nullable: field.nullable,
      ...decodingFor(info.type, info.typmod ?? field.typmod),
    };
  });
}

/** Delta column names are case-insensitive: two source columns differing only in case cannot both land. */
export function checkDistinctNames(fields: ReadonlyArray<{ name: string }>): void {
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name.toLowerCase())) {
      throw new DeltaError('DELTA_INVALID_SCHEMA', `The source has two columns named "${field.name}" (Delta names are case-insensitive). Alias one in --query.`);
    }
    seen.add(field.name.toLowerCase());
  }
}

/** A query failure as the user sees it: unknown relation or column, permission, syntax. */
export function queryError(error: unknown, doing: string): DeltaError {
  const message = error instanceof Error ? error.message : String(error);
  const state = sqlState(error);
  if (state === '42P01' || state === '42703') return new DeltaError('SOURCE_NOT_FOUND', `PostgreSQL error while ${doing}: ${message}.`, { cause: error });
  return new DeltaError('SOURCE_QUERY_FAILED', `PostgreSQL error while ${doing}: ${message}${state ? ` (SQLSTATE ${state})` : ''}.`, { cause: error });
}

/** pg_type rows for the given oids, their array elements and their domains' base types. */
async function loadTypes(client: pg.Client, oids: readonly number[]): Promise<Map<number, TypeRow>> {
  const types = new Map<number, TypeRow>();
  let missing = [...new Set(oids)];
  while (missing.length > 0) {
    const result = await client.query<TypeRow>(
      'SELECT oid::int AS oid, typname, typtype, typelem::int AS typelem, typbasetype::int AS typbasetype, typtypmod FROM pg_type WHERE oid = ANY($1::oid[])',
      [missing]);
    for (const row of result.rows) types.set(row.oid, row);
    missing = [...new Set(result.rows.flatMap((r) => [r.typelem, r.typbasetype]).filter((oid) => oid !== 0 && !types.has(oid)))];
  }
  return types;
}

/** A type with domains replaced by their base type (same binary form) and its array element resolved. */
function resolveType(types: Map<number, TypeRow>, oid: number): { type: PgTypeInfo; typmod?: number } {
  let row = types.get(oid);
  let typmod: number | undefined;
  while (row && row.typtype === 'd') {
    typmod = row.typtypmod;
    row = types.get(row.typbasetype);
  }
  if (!row) return { type: { oid, name: 'unknown', kind: 'p' } };
  const type: PgTypeInfo = { oid: row.oid, name: row.typname, kind: row.typtype };
  // Only true array types (typname "_x" with an element) decode as arrays; name/point also have typelem.
  if (row.typelem !== 0 && row.typname.startsWith('_')) {
    const element = resolveType(types, row.typelem).type;
    return { type: { ...type, element }, ...(typmod === undefined ? {} : { typmod }) };
  }
  return { type, ...(typmod === undefined ? {} : { typmod }) };
}
