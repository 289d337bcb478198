import type pg from 'pg';
import { DeltaError } from '../../delta/errors';
import { builtinType } from './pgBuiltinTypes';
import { describeFrom, queryError, type PgSource, type PgSourceColumn, type PgSourceSchema } from './pgSourceSchema';
import { textDecoding } from './pgTextValues';
import { decodingFor } from './pgTypeMapping';

interface TableRow { table_schema: string; table_name: string }

/**
 * Describes a source on a PostgreSQL-wire server that lacks PostgreSQL's catalog functions
 * (to_regclass, format_type, `oid[]` parameters: QuestDB has none of them) with what the SQL
 * standard and the wire protocol give: the table from information_schema.tables, nullability from
 * information_schema.columns, the primary key from information_schema's key usage where the server
 * has it, and each column's type from the result's RowDescription (a built-in type oid). Such
 * servers are read in text format (pgQueryBatches), so the decodings are those of text values.
 */
export async function describeWireSource(client: pg.Client, source: PgSource): Promise<PgSourceSchema> {
  let from: string;
  let table: string | undefined;
  let notNull = new Set<string>();
  let primaryKey: string[] = [];
  if ('table' in source) {
    const found = await findTable(client, source.table);
    table = `${identifier(client, found.table_schema)}.${identifier(client, found.table_name)}`;
    from = table;
    const where = `table_schema = ${client.escapeLiteral(found.table_schema)} AND table_name = ${client.escapeLiteral(found.table_name)}`;
    const columns = await client.query<{ column_name: string; is_nullable: string }>(`SELECT column_name, is_nullable FROM information_schema.columns WHERE ${where}`);
    notNull = new Set(columns.rows.filter((c) => c.is_nullable.toUpperCase() === 'NO').map((c) => c.column_name));
    primaryKey = await primaryKeyOf(client, found);
  } else {
    from = `(${source.query}) AS source_query`;
  }
  return describeFrom(client, { from, table, notNull, primaryKey }, (fields) => fields.map((field): PgSourceColumn => {
    const type = builtinType(field.typeOid);
    return {
      name: field.name,
      // Also the cast of the watermark's bounds: a type name every PostgreSQL-wire server knows.
      pgType: type.name === 'unknown' ? 'varchar' : type.name,
      nullable: field.nullable,
      ...textDecoding(decodingFor(type, field.typmod)),
    };
  }));
}

/** `name` or `schema.name`, exactly as spelled, else in lower case (how PostgreSQL folds unquoted names). */
async function findTable(client: pg.Client, name: string): Promise<TableRow> {
  let tables: TableRow[];
  try {
    tables = (await client.query<TableRow>('SELECT table_schema, table_name FROM information_schema.tables')).rows;
  } catch (error) {
    throw queryError(error, 'listing tables (information_schema.tables)');
  }
  const matches = (wanted: string) => (t: TableRow) => t.table_name === wanted || `${t.table_schema}.${t.table_name}` === wanted;
  const found = tables.find(matches(name)) ?? tables.find(matches(name.toLowerCase()));
  if (!found) throw new DeltaError('SOURCE_NOT_FOUND', `The server has no table or view "${name}" in information_schema.tables. Check the name, or write it as schema.table.`);
  return found;
}

/** Servers without table constraints (QuestDB) have no key: an incremental load then needs --key. */
export async function primaryKeyOf(client: pg.Client, table: { table_schema: string; table_name: string }): Promise<string[]> {
  try {
    const result = await client.query<{ column_name: string }>(
      `SELECT k.column_name FROM information_schema.table_constraints c
         JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name
        WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = ${client.escapeLiteral(table.table_schema)} AND c.table_name = ${client.escapeLiteral(table.table_name)}
        ORDER BY k.ordinal_position`);
    return result.rows.map((r) => r.column_name);
  } catch {
    return [];
  }
}

/** Quoted only when needed, like PostgreSQL's format('%I'): `public.items` stays readable in app ids and messages. */
function identifier(client: pg.Client, name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : client.escapeIdentifier(name);
}
