import type { RecordBatch } from 'apache-arrow';
import { connectPostgres } from '../../connectors/postgres/pgConnect';
import { PgSnapshotReader } from '../../connectors/postgres/pgSnapshotReader';
import type { PgSourceSchema } from '../../connectors/postgres/pgSourceSchema';
import { DeltaError } from '../../delta/errors';
import { createTable } from '../../delta/transaction/createTable';
import { openIfExists } from '../../delta/write/tableLocation';
import type { OperationOptions } from '../../delta/write/writeSummary';
import { applyKeyedChanges } from './applyKeyedChanges';

export interface PostgresIncrementalIngest extends OperationOptions {
  url: string;
  password?: string;
  /** `schema.table`. */
  table: string;
  target: string;
  /** A column that grows with every insert and update (`updated_at`, or an increasing id). */
  watermark: string;
  /** Key columns for the upsert; default: the table's primary key. */
  key?: string[];
}

export interface PostgresIncrementalResult {
  /** The Delta version committed; undefined when no row was newer than the stored watermark. */
  version?: number;
  rows: number;
  /** The watermark before and after this run (text form of the column's type); null: none yet. */
  from: string | null;
  to: string | null;
  appId: string;
  key: string[];
}

/** The stored watermark: a domainMetadata action committed with the rows it covers. */
interface WatermarkState { column: string; value: string; pgType: string }

export const WATERMARK_DOMAIN_PREFIX = 'lakehouse.ingest.watermark:';

/**
 * One incremental run: rows whose watermark is above the one stored in the Delta table (and at most
 * the maximum seen in this run's snapshot, so rows committed meanwhile wait for the next run) are
 * merged into the table by key, in one commit that also stores the new watermark and bumps the
 * txn version of appId `pg:<database>/<schema.table>`. A crash before that commit changes nothing;
 * a rerun reads the same rows again and the upsert makes them land once.
 */
export async function ingestPostgresIncremental(options: PostgresIncrementalIngest): Promise<PostgresIncrementalResult> {
  const client = await connectPostgres({ url: options.url, ...(options.password === undefined ? {} : { password: options.password }) });
  try {
    const reader = await PgSnapshotReader.open(client, { table: options.table }, options.signal ? { signal: options.signal } : {});
    try {
      const schema = reader.schema;
      const key = options.key?.length ? options.key : schema.primaryKey;
      if (key.length === 0) {
        throw new DeltaError('DELTA_INVALID_ARGUMENT', `${schema.table ?? options.table} has no primary key: name the key columns with --key.`);
      }
      const watermark = columnOf(schema, options.watermark, '--watermark');
      for (const name of key) columnOf(schema, name, '--key');
      const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db ?? '';
      const appId = `pg:${database}/${schema.table ?? options.table}`;
      const domain = `${WATERMARK_DOMAIN_PREFIX}${appId}`;

      const existing = await openIfExists(options.target);
      const snapshot = existing ? await existing.snapshot() : undefined;
      const previousVersion = snapshot?.txnVersion(appId) ?? 0;
      const stored = snapshot?.domainMetadata(domain);
      const state = stored && !stored.removed ? parseState(stored.configuration) : undefined;
      if (state && state.column !== watermark.name) {
        throw new DeltaError('DELTA_INVALID_ARGUMENT',
          `This table was loaded with watermark column "${state.column}", not "${watermark.name}"; keep the same column or load into a new table.`);
      }
      const from = state?.value ?? null;
      const column = client.escapeIdentifier(watermark.name);
      const to = await reader.scalar(`SELECT max(${column}) FROM ${schema.from}`);
      const result = { rows: 0, from, to: from, appId, key };
      if (to === null || to === from) return result;

      const bound = (value: string): string => `${client.escapeLiteral(value)}::${watermark.pgType}`;
      const where = `${from === null ? '' : `${column} > ${bound(from)} AND `}${column} <= ${bound(to)}`;
      const batches: RecordBatch[] = [];
      for await (const batch of reader.batches(where)) batches.push(batch);
      if (!existing) await createTable(options.target, { schema: schema.deltaSchema, properties: { 'delta.feature.domainMetadata': 'supported' } });
      const next: WatermarkState = { column: watermark.name, value: to, pgType: watermark.pgType };
      const applied = await applyKeyedChanges(options.target, { upserts: batches, deletes: [] }, {
        key,
        txn: { appId, version: previousVersion + 1 },
        domain: { name: domain, configuration: JSON.stringify(next) },
        operation: 'MERGE',
        source: schema.table ?? options.table,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { ...result, ...(applied.version === undefined ? {} : { version: applied.version }), rows: applied.rowsUpserted, to };
    } finally {
      await reader.close();
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

function columnOf(schema: PgSourceSchema, name: string, option: string): { name: string; pgType: string } {
  const column = schema.columns.find((c) => c.name === name);
  if (!column) {
    throw new DeltaError('SOURCE_NOT_FOUND', `${option} ${name}: ${schema.table ?? 'the source'} has no such column (it has ${schema.columns.map((c) => c.name).join(', ')}).`);
  }
  return column;
}

function parseState(configuration: string): WatermarkState {
  const parsed: unknown = JSON.parse(configuration);
  if (typeof parsed === 'object' && parsed !== null && 'column' in parsed && 'value' in parsed && 'pgType' in parsed
    && typeof parsed.column === 'string' && typeof parsed.value === 'string' && typeof parsed.pgType === 'string') {
    return { column: parsed.column, value: parsed.value, pgType: parsed.pgType };
  }
  throw new DeltaError('DELTA_INVALID_ARGUMENT', `The stored watermark (${configuration}) is not one this version wrote; load into a new table.`);
}
