import type pg from 'pg';
import { isMissingPostgresFeature } from './pgServerKind';
import type { PgSnapshotPosition } from './pgSnapshotReader';

/**
 * The WAL position and exported snapshot of the transaction just begun on `client`: PostgreSQL
 * proper has both, and its tables are then read by binary COPY. A PostgreSQL-wire server without
 * these functions (QuestDB) gives undefined, its failed transaction begun again, and is read by
 * SELECT instead. Any other error (permissions, a lost connection) is thrown as it is.
 */
export async function exportedSnapshotPosition(client: pg.Client, begin: string): Promise<PgSnapshotPosition | undefined> {
  try {
    const result = await client.query<PgSnapshotPosition>('SELECT pg_current_wal_lsn()::text AS lsn, pg_export_snapshot() AS "snapshotId"');
    return result.rows[0];
  } catch (error) {
    if (!isMissingPostgresFeature(error)) throw error;
    await client.query('ROLLBACK');
    await client.query(begin);
    return undefined;
  }
}
