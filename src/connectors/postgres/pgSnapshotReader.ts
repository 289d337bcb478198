import type { RecordBatch } from 'apache-arrow';
import type pg from 'pg';
import { toArrowSchema } from '../../delta/arrowSchema';
import { isDeltaError } from '../../delta/errors';
import { binaryCopyBatches, DEFAULT_BATCH_LIMITS, type BatchLimits } from './binaryCopyBatches';
import { copyInWorker } from './copyInWorker';
import { copyOut } from './copyOutStream';
import type { PgConnectionOptions } from './pgConnect';
import { exportedSnapshotPosition } from './pgExportedSnapshot';
import { queryBatches, queryScalarText } from './pgQueryBatches';
import { servesOneSession } from './pgServerKind';
import { describePgSource, queryError, type PgSource, type PgSourceSchema } from './pgSourceSchema';
import { describeWireSource } from './pgWireSourceSchema';

/** Where a snapshot stands in the source's history, for a later incremental run or CDC to start from. */
export interface PgSnapshotPosition {
  /** pg_current_wal_lsn() inside the snapshot transaction, e.g. `0/16B3748`. */
  lsn: string;
  /** pg_export_snapshot(): other sessions can `SET TRANSACTION SNAPSHOT` to it while this one is open. */
  snapshotId: string;
}

export interface PgSnapshotOptions {
  /** Import this exported snapshot (e.g. from CREATE_REPLICATION_SLOT … EXPORT_SNAPSHOT) instead of taking a new one. */
  importSnapshot?: string;
  limits?: BatchLimits;
  /**
   * The rows are then copied over a second connection (these settings) in a worker thread, in
   * this reader's exported snapshot: fetching and decoding overlap the consumer's work (the
   * Parquet encoding) instead of taking turns with it. Without it they are read on this thread.
   */
  connection?: PgConnectionOptions;
  /**
   * With `connection`: the worker is used only for a table PostgreSQL estimates (pg_class.reltuples)
   * at this many rows or more (default 100,000; 0: always, a query included). Starting it costs
   * about what copying a few ten thousand rows does.
   */
  workerMinRows?: number;
  signal?: AbortSignal;
}

const WORKER_MIN_ROWS = 100_000;

/** Batches the COPY worker decodes ahead of the consumer: about 3 x 5 MiB for 10 mixed columns. */
const WORKER_READ_AHEAD = 3;

const BEGIN = 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY';

/**
 * A consistent read of one source: a REPEATABLE READ, READ ONLY transaction, so every query in it
 * (schema, watermark bounds, the rows) sees the same database state. Close it to end the transaction.
 *
 * Rows travel by `COPY (SELECT …) TO STDOUT (FORMAT binary)` rather than a server-side cursor:
 * measured by bench/postgresRun.ts (5M rows × 10 mixed columns) binary COPY streams without
 * per-row protocol messages or round trips per FETCH, and its binary values are copied straight into
 * Arrow buffers, where a cursor's rows go through pg's text parsing into one JS object per row.
 * A PostgreSQL-wire server without exported snapshots (QuestDB) has no `position` and is read by a
 * SELECT through a cursor instead (`transfer` says which ran; README "Other PostgreSQL-wire servers").
 */
export class PgSnapshotReader {
  private closed = false;

  private constructor(
    private readonly client: pg.Client,
    readonly schema: PgSourceSchema,
    readonly position: PgSnapshotPosition | undefined,
    private readonly options: PgSnapshotOptions,
  ) {}

  get transfer(): 'copy' | 'select' {
    return this.position === undefined ? 'select' : 'copy';
  }

  static async open(client: pg.Client, source: PgSource, options: PgSnapshotOptions = {}): Promise<PgSnapshotReader> {
    await client.query(BEGIN);
    try {
      if (options.importSnapshot !== undefined) await client.query(`SET TRANSACTION SNAPSHOT ${client.escapeLiteral(options.importSnapshot)}`);
      const position = await exportedSnapshotPosition(client, BEGIN);
      const schema = position ? await describePgSource(client, source) : await describeWireSource(client, source);
      return new PgSnapshotReader(client, schema, position, options);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** One value computed in the snapshot (e.g. the watermark's upper bound), as text. */
  async scalar(sql: string): Promise<string | null> {
    try {
      if (this.position === undefined) return await queryScalarText(this.client, sql);
      const result = await this.client.query<{ value: string | null }>(`SELECT (${sql})::text AS value`);
      return result.rows[0]?.value ?? null;
    } catch (error) {
      throw queryError(error, 'computing the watermark');
    }
  }

  /** Streams the rows (those matching `where`, an SQL condition, when given) as Arrow batches of the Delta schema. */
  async *batches(where?: string): AsyncGenerator<RecordBatch> {
    const select = this.schema.columns.map((c) => {
      const name = this.client.escapeIdentifier(c.name);
      return c.cast === undefined ? name : `${name}::${c.cast} AS ${name}`;
    });
    const query = `SELECT ${select.join(', ')} FROM ${this.schema.from}${where ? ` WHERE ${where}` : ''}`;
    const sql = `COPY (${query}) TO STDOUT (FORMAT binary)`;
    const doing = `copying rows from ${this.schema.table ?? 'the query'}`;
    const limits = this.options.limits ?? DEFAULT_BATCH_LIMITS;
    const decoders = this.schema.columns.map((c) => c.decoder);
    const arrowSchema = toArrowSchema(this.schema.deltaSchema);
    const { connection, signal } = this.options;
    if (connection && this.position && await this.worthAWorker()) {
      const job = { connection, snapshotId: this.position.snapshotId, sql, deltaSchema: this.schema.deltaSchema, decoders, limits, readAhead: WORKER_READ_AHEAD, doing };
      yield* copyInWorker(job, arrowSchema, signal);
      return;
    }
    const stream = this.position ? this.client.query(copyOut(sql)) : undefined;
    const onAbort = (): void => { stream?.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      yield* stream ? binaryCopyBatches(stream, arrowSchema, decoders, limits) : queryBatches(this.client, query, arrowSchema, this.schema.columns, limits, signal);
    } catch (error) {
      signal?.throwIfAborted();
      if (isDeltaError(error)) throw error;
      throw queryError(error, doing);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async worthAWorker(): Promise<boolean> {
    if (await servesOneSession(this.client)) return false;
    const min = this.options.workerMinRows ?? WORKER_MIN_ROWS;
    if (min === 0) return true;
    if (this.schema.table === undefined) return false;
    const estimate = await this.client.query<{ rows: number }>('SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = to_regclass($1)', [this.schema.table]);
    return (estimate.rows[0]?.rows ?? -1) >= min;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.query('COMMIT').catch(() => undefined);
  }
}
