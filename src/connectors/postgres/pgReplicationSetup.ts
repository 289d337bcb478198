import type pg from 'pg';
import { DeltaError } from '../../delta/errors';
import { sqlState } from './pgConnect';
import { parseLsn } from './lsn';

export interface CreatedSlot {
  /** The WAL position the slot starts at: transactions committed after it are streamed, not in the snapshot. */
  consistentPoint: number;
  /** Import with SET TRANSACTION SNAPSHOT while the replication connection stays idle. */
  snapshotName: string;
}

/**
 * CREATE_REPLICATION_SLOT … LOGICAL pgoutput EXPORT_SNAPSHOT on a replication connection: the
 * exported snapshot sees exactly the transactions committed before the slot's consistent point, so
 * a COPY in it followed by streaming from that point has no gap and no duplicate.
 */
export async function createSlotWithSnapshot(replication: pg.Client, slot: string): Promise<CreatedSlot> {
  try {
    const result = await replication.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT ${replication.escapeIdentifier(slot)} LOGICAL pgoutput EXPORT_SNAPSHOT`);
    const row = result.rows[0];
    if (!row) throw new Error('no result row');
    return { consistentPoint: parseLsn(row.consistent_point), snapshotName: row.snapshot_name };
  } catch (error) {
    throw replicationError(error, `creating replication slot "${slot}"`);
  }
}

/** Drops the slot, waiting for a walsender still holding it (a killed client's) to let go. */
export async function dropSlot(replication: pg.Client, slot: string): Promise<void> {
  try {
    await replication.query(`DROP_REPLICATION_SLOT ${replication.escapeIdentifier(slot)} WAIT`);
  } catch (error) {
    throw replicationError(error, `dropping replication slot "${slot}"`);
  }
}

export interface SlotState { plugin: string | null; database: string | null; confirmedFlush: number | null }

export async function slotState(client: pg.Client, slot: string): Promise<SlotState | undefined> {
  const result = await client.query<{ plugin: string | null; database: string | null; confirmed: string | null }>(
    'SELECT plugin, database, confirmed_flush_lsn::text AS confirmed FROM pg_replication_slots WHERE slot_name = $1', [slot]);
  const row = result.rows[0];
  if (!row) return undefined;
  return { plugin: row.plugin, database: row.database, confirmedFlush: row.confirmed === null ? null : parseLsn(row.confirmed) };
}

/** Creates the publication for `table` when missing; an existing one must publish the table. */
export async function ensurePublication(client: pg.Client, publication: string, table: string): Promise<{ created: boolean }> {
  const existing = await client.query<{ pubname: string }>('SELECT pubname FROM pg_publication WHERE pubname = $1', [publication]);
  if (existing.rows.length === 0) {
    try {
      await client.query(`CREATE PUBLICATION ${client.escapeIdentifier(publication)} FOR TABLE ${table}`);
    } catch (error) {
      throw replicationError(error, `creating publication "${publication}"`);
    }
    return { created: true };
  }
  const published = await client.query(
    "SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND format('%I.%I', schemaname, tablename) = $2", [publication, table]);
  if (published.rows.length === 0) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT',
      `Publication "${publication}" exists but does not publish ${table}: run ALTER PUBLICATION ${client.escapeIdentifier(publication)} ADD TABLE ${table}, or name another --publication.`);
  }
  return { created: false };
}

/**
 * An UPDATE that leaves a TOASTed (large, out-of-line) value unchanged does not carry it in the
 * WAL unless the old row is logged whole. With REPLICA IDENTITY FULL it is, so the unchanged value
 * is taken from the old row. Tables with a column that can be TOASTed are switched to FULL (more
 * WAL per update, no extra reads); returns whether it was changed.
 */
export async function ensureFullReplicaIdentity(client: pg.Client, table: string): Promise<boolean> {
  const result = await client.query<{ identity: string; toastable: boolean }>(
    `SELECT c.relreplident AS identity,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attstorage IN ('x', 'e', 'm')) AS toastable
       FROM pg_class c WHERE c.oid = $1::regclass`, [table]);
  const row = result.rows[0];
  if (!row || row.identity === 'f' || !row.toastable) return false;
  try {
    await client.query(`ALTER TABLE ${table} REPLICA IDENTITY FULL`);
  } catch (error) {
    throw new DeltaError('SOURCE_QUERY_FAILED',
      `cdc mode needs ${table} to log whole old rows, so updates that keep a large value unchanged can be applied: run ALTER TABLE ${table} REPLICA IDENTITY FULL as its owner (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error });
  }
  return true;
}

/** True for "the slot is still held by another process" (a killed ingest's walsender not gone yet). */
export function isSlotBusy(error: unknown): boolean {
  const cause = error instanceof DeltaError && error.cause !== undefined ? error.cause : error;
  return sqlState(cause) === '55006';
}

export function replicationError(error: unknown, doing: string): DeltaError {
  if (error instanceof DeltaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const state = sqlState(error);
  const hint = state === '42704' ? ' (the slot does not exist: it was dropped; rerun to take a new snapshot)'
    : state === '55000' ? ' (wal_level must be logical: set it in postgresql.conf and restart the server)'
      : state === '42501' ? ' (the user needs the REPLICATION attribute)'
        : state === '53400' ? ' (max_replication_slots is reached: drop an unused slot or raise the setting)' : '';
  return new DeltaError('SOURCE_QUERY_FAILED', `PostgreSQL error while ${doing}: ${message}${hint}${state ? ` (SQLSTATE ${state})` : ''}.`, { cause: error });
}
