import type pg from 'pg';
import { DeltaError } from '../../delta/errors';
import { isMissingPostgresFeature, isPgliteVersion } from './pgServerKind';

/** What the server said about itself, read on an ordinary session before anything is created. */
export interface CdcServerFacts {
  /** version() as the server answers it ('' when it has no such function). */
  version: string;
  /** current_setting('wal_level'); undefined when the replication catalog could not be read. */
  walLevel?: string;
  /** Whether pg_create_logical_replication_slot and pg_publication exist. */
  replication: boolean;
  /** The server's own words when the replication catalog query failed (QuestDB: "unknown function name: to_regproc"). */
  missing?: string;
}

const INSTEAD = 'Nothing was created on the server. Use --mode incremental --watermark <column> (with --key <columns> when the table has no primary key) instead, or --mode snapshot.';

/**
 * Why cdc mode cannot run against this server, or undefined when it can. PGlite comes first: it
 * is one session, so even asking for a replication connection would leave that session in
 * replication mode until the server restarts.
 */
export function cdcRefusal(facts: CdcServerFacts): string | undefined {
  const server = serverName(facts.version);
  if (isPgliteVersion(facts.version)) {
    const walLevel = facts.walLevel === 'logical' ? '' : ` and has no logical replication (wal_level is ${facts.walLevel ?? 'unknown'})`;
    return `${server} cannot do cdc: it serves one session${walLevel}, which a replication connection would hold until the server restarts. ${INSTEAD}`;
  }
  if (!facts.replication) {
    return `${server} cannot do cdc: it has no logical replication (pg_create_logical_replication_slot and pg_publication are missing${facts.missing ? `; the server said "${facts.missing}"` : ''}). ${INSTEAD}`;
  }
  if (facts.walLevel !== 'logical') {
    return `${server} cannot do cdc: wal_level is ${facts.walLevel ? `"${facts.walLevel}"` : 'not set'}, and logical replication needs wal_level = logical (set it in postgresql.conf or with ALTER SYSTEM SET wal_level = logical, then restart the server). ${INSTEAD}`;
  }
  return undefined;
}

/** Reads the facts cdcRefusal decides on; a failure other than a missing function is a real error. */
export async function readCdcServerFacts(client: pg.Client): Promise<CdcServerFacts> {
  const version = await client.query<{ version: string }>('SELECT version() AS version').then(
    (result) => result.rows[0]?.version ?? '',
    (error: unknown) => { if (isMissingPostgresFeature(error)) return ''; throw error; });
  try {
    const result = await client.query<{ wal_level: string; slots: boolean; publications: boolean }>(
      `SELECT current_setting('wal_level') AS wal_level,
              to_regproc('pg_catalog.pg_create_logical_replication_slot') IS NOT NULL AS slots,
              to_regclass('pg_catalog.pg_publication') IS NOT NULL AS publications`);
    const row = result.rows[0];
    return { version, ...(row ? { walLevel: row.wal_level } : {}), replication: row !== undefined && row.slots && row.publications };
  } catch (error) {
    if (!isMissingPostgresFeature(error)) throw error;
    return { version, replication: false, missing: error instanceof Error ? error.message : String(error) };
  }
}

/** Refuses with SOURCE_CDC_UNSUPPORTED unless the server can stream logical replication. */
export async function assertCdcCapable(client: pg.Client): Promise<void> {
  const refusal = cdcRefusal(await readCdcServerFacts(client));
  if (refusal !== undefined) throw new DeltaError('SOURCE_CDC_UNSUPPORTED', refusal);
}

/** "PGlite 0.5.14 (PostgreSQL 18.6)", "QuestDB", "PostgreSQL 15.10": the product and version, without the build details. */
function serverName(version: string): string {
  const pglite = /^PostgreSQL (\S+) \(PGlite (\S+)\)/.exec(version);
  if (pglite) return `PGlite ${pglite[2]} (PostgreSQL ${pglite[1]})`;
  // QuestDB answers "PostgreSQL 12.3, compiled by Visual C++ build 1914, 64-bit, QuestDB".
  if (/\bQuestDB\b/.test(version)) return 'QuestDB';
  return /^.*?\d[\w.]*/.exec(version)?.[0] ?? 'This server';
}
