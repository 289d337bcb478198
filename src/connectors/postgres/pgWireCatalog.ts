import type pg from 'pg';
import type { PgCatalogTable } from './pgCatalog';
import { queryError } from './pgSourceSchema';
import { primaryKeyOf } from './pgWireSourceSchema';

interface TableRow { table_schema: string; table_name: string; table_type: string }

async function wireTables(client: pg.Client): Promise<TableRow[]> {
  try {
    const result = await client.query<TableRow>('SELECT table_schema, table_name, table_type FROM information_schema.tables');
    return result.rows.filter((t) => t.table_schema !== 'information_schema' && !t.table_schema.startsWith('pg_'));
  } catch (error) {
    throw queryError(error, 'listing tables (information_schema.tables)');
  }
}

/**
 * The catalog of a PostgreSQL-wire server without pg_catalog's privilege functions and array
 * queries (QuestDB), from information_schema.tables: no row estimates (null, "unknown"), and a
 * primary key where the server's information_schema has one.
 * Called by listPgSchemas and listPgTables when the server lacks what their queries use.
 */
export async function listWireSchemas(client: pg.Client): Promise<string[]> {
  return [...new Set((await wireTables(client)).map((t) => t.table_schema))].sort();
}

/** Tables and views of one schema, as listPgTables gives them. */
export async function listWireTables(client: pg.Client, schema: string): Promise<PgCatalogTable[]> {
  const tables = (await wireTables(client)).filter((t) => t.table_schema === schema).sort((a, b) => a.table_name.localeCompare(b.table_name));
  const listed: PgCatalogTable[] = [];
  for (const table of tables) {
    listed.push({
      schema, name: table.table_name, kind: table.table_type === 'VIEW' ? 'view' : 'table', rowEstimate: null,
      primaryKey: await primaryKeyOf(client, table),
    });
  }
  return listed;
}
