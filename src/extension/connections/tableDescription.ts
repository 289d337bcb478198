import type { PgCatalogTable } from '../../connectors/postgres/pgCatalog';

/** A source table's line in the Connections view, e.g. `~1,200 rows · PK id`. Pure, for unit tests. */
export function tableDescription(table: PgCatalogTable): string {
  const rows = table.rowEstimate === null
    ? (table.kind === 'view' ? 'view' : 'rows not estimated yet')
    : `~${table.rowEstimate.toLocaleString('en-US')} rows`;
  const key = table.primaryKey.length > 0 ? `PK ${table.primaryKey.join(', ')}` : table.kind === 'view' ? '' : 'no primary key';
  return key ? `${rows} · ${key}` : rows;
}
