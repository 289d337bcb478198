import type pg from 'pg';
import { isMissingPostgresFeature } from './pgServerKind';
import { queryError } from './pgSourceSchema';
import { listWireSchemas, listWireTables } from './pgWireCatalog';

/** A relation a user can ingest, as a browser of the source lists it. */
export interface PgCatalogTable {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned table' | 'view' | 'materialized view' | 'foreign table';
  /**
   * pg_class.reltuples: the planner's estimate, as of the last VACUUM / ANALYZE; null when the
   * server has none (never analyzed, a view), which is different from an empty table.
   */
  rowEstimate: number | null;
  /** Primary key columns in key order; empty when there is none. */
  primaryKey: string[];
}

const KINDS: Record<string, PgCatalogTable['kind']> = {
  r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view', f: 'foreign table',
};

/** Schemas the user may use, system ones (pg_catalog, information_schema, pg_toast, temp) left out. */
export async function listPgSchemas(client: pg.Client): Promise<string[]> {
  try {
    const result = await client.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace
        WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%'
          AND has_schema_privilege(oid, 'USAGE')
        ORDER BY nspname`);
    return result.rows.map((r) => r.name);
  } catch (error) {
    if (isMissingPostgresFeature(error)) return listWireSchemas(client);
    throw queryError(error, 'listing schemas');
  }
}

/** Tables and views of one schema with row estimates and primary keys; partitions are left to their parent. */
export async function listPgTables(client: pg.Client, schema: string): Promise<PgCatalogTable[]> {
  try {
    const result = await client.query<{ name: string; relkind: string; reltuples: number; pk: string[] | null }>(
      `SELECT c.relname AS name, c.relkind, c.reltuples::float8 AS reltuples,
              (SELECT array_agg(a.attname::text ORDER BY k.ord)
                 FROM pg_index i
                 CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = c.oid AND i.indisprimary) AS pk
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
        ORDER BY c.relname`, [schema]);
    return result.rows.map((row) => {
      const kind = KINDS[row.relkind] ?? 'table';
      // -1 (PostgreSQL 14+) means never analyzed; views keep 0 although they have no estimate at all.
      const known = row.reltuples >= 0 && kind !== 'view' && !(kind === 'partitioned table' && row.reltuples === 0);
      return { schema, name: row.name, kind, rowEstimate: known ? Math.round(row.reltuples) : null, primaryKey: row.pk ?? [] };
    });
  } catch (error) {
    if (isMissingPostgresFeature(error)) return listWireTables(client, schema);
    throw queryError(error, `listing the tables of schema ${schema}`);
  }
}
