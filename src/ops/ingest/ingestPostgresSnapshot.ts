import { connectPostgres } from '../../connectors/postgres/pgConnect';
import { PgSnapshotReader, type PgSnapshotPosition } from '../../connectors/postgres/pgSnapshotReader';
import type { PgSource } from '../../connectors/postgres/pgSourceSchema';
import { toArrowSchema } from '../../delta/arrowSchema';
import { formatDataType, type StructType } from '../../delta/schema';
import { Transaction } from '../../delta/transaction/transaction';
import { openIfExists } from '../../delta/write/tableLocation';
import { writeTable } from '../../delta/write/writeTable';
import { followSourceSchema } from './followSourceSchema';
import { writeSnapshotInWorkers } from './writeSnapshotInWorkers';
import type { OperationOptions } from '../../delta/write/writeSummary';

export interface PostgresSnapshotIngest extends OperationOptions {
  /** libpq URL; the password comes from `password`, else PGPASSWORD, never from logs. */
  url: string;
  password?: string;
  source: PgSource;
  /** The Delta table location; created when missing. */
  target: string;
  /** Overwrite (default: the table becomes an exact copy) or append to what is there. */
  mode?: 'overwrite' | 'append';
  partitionBy?: string[];
}

export interface PostgresSnapshotResult {
  version: number;
  rows: number;
  filesAdded: number;
  bytesAdded: number;
  /** Where the snapshot stands in the source's WAL: the start point of a later CDC run; none on a server without a WAL position (QuestDB). */
  position?: PgSnapshotPosition;
  /** How the rows came: binary COPY, or a SELECT on a PostgreSQL-wire server without COPY TO and exported snapshots. */
  transfer: 'copy' | 'select';
  primaryKey: string[];
}

/**
 * An existing table is checked against the source's schema before any row is read: an incompatible
 * change stops here, and a widened column type is widened in a commit of its own (the writer widens
 * only tables with type widening on), which leaves a valid table (the old rows, the wider type)
 * should the copy then fail.
 */
async function widenExistingTable(target: string, source: StructType, name: string): Promise<void> {
  const existing = await openIfExists(target);
  if (!existing) return;
  const tx = await Transaction.start(existing);
  const before = new Map(tx.schema.fields.map((f) => [f.name, formatDataType(f.type)]));
  followSourceSchema(tx, toArrowSchema(source).fields, name);
  const widened = tx.schema.fields.some((f) => before.has(f.name) && before.get(f.name) !== formatDataType(f.type));
  if (widened) await tx.commit({ operation: 'CHANGE COLUMN', parameters: { source: name } });
}

/**
 * Copies a table or query into a Delta table in one commit, streamed in bounded memory from one
 * consistent (REPEATABLE READ) snapshot of the source. A table created here keeps the source's
 * NOT NULL columns as non-nullable Delta fields.
 */
export async function ingestPostgresSnapshot(options: PostgresSnapshotIngest): Promise<PostgresSnapshotResult> {
  const connection = { url: options.url, ...(options.password === undefined ? {} : { password: options.password }) };
  const client = await connectPostgres(connection);
  try {
    const reader = await PgSnapshotReader.open(client, options.source, { connection, ...(options.signal ? { signal: options.signal } : {}) });
    await widenExistingTable(options.target, reader.schema.deltaSchema, reader.schema.table ?? 'the query');
    const write = {
      mode: options.mode ?? 'overwrite',
      schema: reader.schema.deltaSchema,
      // Columns added at the source since the last load are added to the table.
      mergeSchema: true,
      ...(options.partitionBy ? { partitionBy: options.partitionBy } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    } as const;
    // The COPY workers encode the files where they can (writeSnapshotInWorkers says where); else this thread does.
    const summary = await writeSnapshotInWorkers(options.target, reader, write) ?? await writeTable(options.target, reader.batches(), write);
    await reader.close();
    return {
      version: summary.version,
      rows: summary.rowsAdded,
      filesAdded: summary.filesAdded,
      bytesAdded: summary.bytesAdded,
      ...(reader.position ? { position: reader.position } : {}),
      transfer: reader.transfer,
      primaryKey: reader.schema.primaryKey,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
