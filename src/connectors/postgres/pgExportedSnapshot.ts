import type pg from 'pg';
import { sqlState } from './pgConnect';
import type { PgSnapshotPosition } from './pgSnapshotReader';

/**
 * The WAL position and exported snapshot of the transaction just begun on `client`: PostgreSQL
 * proper has both, and its tables are then read by binary COPY. A PostgreSQL-wire server without
 * these functions (QuestDB answers "unknown function name" with SQLSTATE 00000; PostgreSQL and
 * CockroachDB say 42883) gives undefined, its failed transaction begun again, and is read by
 * SELECT instead. Any other error (permissions, a lost connection) is thrown as it is.
 */
export async function exportedSnapshotPosition(client: pg.Client, begin: string): Promise<PgSnapshotPosition | undefined> {
  try {
    const result = await client.query<PgSnapshotPosition>('SELECT pg_current_wal_lsn()::text AS lsn, pg_export_snapshot() AS "snapshotId"');
    return result.rows[0];
  } catch (error) {
    const state = sqlState(error);
    if (state !== undefined && state !== '00000' && state !== '42883') throw error;
    await client.query('ROLLBACK');
    await client.query(begin);
    return undefined;
  }
}

/**
 * PGlite (PostgreSQL compiled to WebAssembly, behind @electric-sql/pglite-socket) is one backend
 * serving one session at a time: a second connection waits until the first one closes, so a
 * second session importing this one's snapshot (the COPY worker) would wait forever.
 */
export async function servesOneSession(client: pg.Client): Promise<boolean> {
  const result = await client.query<{ version: string }>('SELECT version() AS version');
  return /\(PGlite /.test(result.rows[0]?.version ?? '');
}
