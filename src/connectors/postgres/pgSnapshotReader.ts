import type { RecordBatch, Schema } from 'apache-arrow';
import { availableParallelism } from 'node:os';
import type pg from 'pg';
import { toArrowSchema } from '../../delta/arrowSchema';
import { isDeltaError } from '../../delta/errors';
import type { DataType } from '../../delta/schema';
import type { WrittenFile } from '../../delta/write/dataFileWriter';
import { binaryCopyBatches, DEFAULT_BATCH_LIMITS, type BatchLimits } from './binaryCopyBatches';
import { startCopyWorker, type CopyWorker } from './copyInWorker';
import type { CopyWorkerFileTarget } from './copyWorkerProtocol';
import { mergeCopyWorkers } from './mergeCopyWorkers';
import { copyOut } from './copyOutStream';
import type { PgConnectionOptions } from './pgConnect';
import { exportedSnapshotPosition } from './pgExportedSnapshot';
import { queryBatches, queryScalarText } from './pgQueryBatches';
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
  /**
   * With the worker: a table estimated at this many rows or more is copied as two streams (two
   * server backends, two decoding threads) over its two halves (by integer key or heap pages). Off by default: measured (bench/README.md, PostgreSQL) it saved no wall
   * time and cost 20% more CPU while the calling thread's Parquet encoding is the slowest stage.
   */
  splitMinRows?: number;
  /**
   * With `connection`: how long the worker's session may take, from connecting, to import the
   * snapshot (default 5 s) before the rows are read in this session instead. A server that serves
   * one session at a time (PGlite) never lets it; one that refuses a second session fails it sooner.
   */
  workerPatienceMs?: number;
  /**
   * writeFiles() starts its two file-writing workers only for a table estimated at this many rows
   * or more (default 250,000): below that their start (two sessions, two threads loading the
   * Parquet encoder) costs more than the second core saves. By default not at all on a machine
   * with fewer than 4 cores: there the two workers and their two server backends share two cores
   * with no idle one to gain, and measured (bench/README.md, PostgreSQL) they took 10-35% more
   * CPU and more wall time than one COPY worker decoding beside the caller's encoding.
   */
  fileWorkersMinRows?: number;
  signal?: AbortSignal;
}

const WORKER_MIN_ROWS = 100_000;

const FILE_WORKERS_MIN_ROWS = 250_000;

/** Cores from which writeFiles() runs by default: two server backends and two encoding workers. */
const FILE_WORKERS_MIN_CORES = 4;

/** A second session on a PostgreSQL server connects and imports a snapshot in milliseconds; seconds on a loaded machine. */
const WORKER_PATIENCE_MS = 5_000;

/** Batches the COPY worker decodes ahead of the consumer: about 3 x 5 MiB for 10 mixed columns. */
const WORKER_READ_AHEAD = 3;

const BEGIN = 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY';

/** server_version_num of PostgreSQL 14, whose planner first scans a `ctid` range as a TID Range Scan. */
const TID_RANGE_SCAN_VERSION = 140_000;

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
  /** Where the last batches() or writeFiles() read the rows: COPY workers' sessions, or this reader's own. */
  readBy: 'worker' | 'session' | undefined;
  /** COPY streams (one per key range) the last batches() or writeFiles() read at once. */
  streams = 0;
  /** A COPY worker's session was refused or too slow: every later read stays on this session. */
  private workerRefused = false;

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
    const limits = this.options.limits ?? DEFAULT_BATCH_LIMITS;
    const decoders = this.schema.columns.map((c) => c.decoder);
    const arrowSchema = toArrowSchema(this.schema.deltaSchema);
    const { signal } = this.options;
    const estimate = this.workerRefused ? undefined : await this.workerEstimate();
    if (estimate !== undefined) {
      const splitMin = this.options.splitMinRows;
      const slices = where === undefined && splitMin !== undefined && estimate >= splitMin && estimate >= 0 ? await this.slices() : [where];
      const workers = await this.startWorkers(slices, arrowSchema, undefined);
      if (workers) {
        yield* workers.length === 1 ? (workers[0] as CopyWorker).batches : mergeCopyWorkers(workers);
        return;
      }
    }
    this.readBy = 'session';
    this.streams = 1;
    const stream = this.position ? this.client.query(copyOut(this.copySql(where))) : undefined;
    const onAbort = (): void => { stream?.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      yield* stream ? binaryCopyBatches(stream, arrowSchema, decoders, limits) : queryBatches(this.client, this.query(where), arrowSchema, this.schema.columns, limits, signal);
    } catch (error) {
      signal?.throwIfAborted();
      if (isDeltaError(error)) throw error;
      throw queryError(error, this.doing);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private query(condition: string | undefined): string {
    const select = this.schema.columns.map((c) => {
      const name = this.client.escapeIdentifier(c.name);
      return c.cast === undefined ? name : `${name}::${c.cast} AS ${name}`;
    });
    return `SELECT ${select.join(', ')} FROM ${this.schema.from}${condition ? ` WHERE ${condition}` : ''}`;
  }

  private copySql(condition: string | undefined): string {
    return `COPY (${this.query(condition)}) TO STDOUT (FORMAT binary)`;
  }

  private get doing(): string {
    return `copying rows from ${this.schema.table ?? 'the query'}`;
  }

  /**
   * All the rows written as data files of `target` by two COPY workers, each over one half of the
   * table (slices(): by integer primary key, else by heap pages; two server backends; each worker
   * decodes and encodes its own half, so two cores encode), for the caller to commit in one
   * transaction. Undefined, with no row read, where that does not apply: no second connection or
   * exported snapshot, a table estimated under `fileWorkersMinRows` (by default, any table on a
   * machine with fewer than 4 cores), a source with no split (a query; one worker that decodes and
   * encodes in turn would be slower than decoding beside the caller's encoding), or the server
   * refusing the second sessions; the caller then writes batches() itself. A failure or an abort
   * stops both workers: the files they wrote are left for VACUUM, none is committed.
   */
  async writeFiles(target: CopyWorkerFileTarget, onRows: (rows: number) => void): Promise<WrittenFile[] | undefined> {
    const min = this.options.fileWorkersMinRows ?? (availableParallelism() >= FILE_WORKERS_MIN_CORES ? FILE_WORKERS_MIN_ROWS : undefined);
    if (min === undefined) return undefined;
    const estimate = this.workerRefused ? undefined : await this.workerEstimate();
    // A minimum of 0 means any table, one never analyzed (estimate -1) too.
    if (estimate === undefined || (min > 0 && estimate < min)) return undefined;
    const slices = await this.slices();
    if (slices.length < 2) return undefined;
    const workers = await this.startWorkers(slices, toArrowSchema(this.schema.deltaSchema), target);
    if (!workers) return undefined;
    try {
      return (await Promise.all(workers.map((worker) => worker.files(onRows)))).flat();
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  }

  /**
   * One started COPY worker per slice (a condition, or none for all the rows), each in this
   * reader's snapshot, its batches in `arrowSchema` (one object: the writer compares schemas by identity). Undefined when the server refused one of their sessions or was too slow to
   * let it in: none is left running, and later reads stay on this session.
   */
  private async startWorkers(slices: ReadonlyArray<string | undefined>, arrowSchema: Schema, files: CopyWorkerFileTarget | undefined): Promise<CopyWorker[] | undefined> {
    const { connection, signal } = this.options;
    if (!connection || !this.position) return undefined;
    const patience = this.options.workerPatienceMs ?? WORKER_PATIENCE_MS;
    const { snapshotId } = this.position;
    const decoders = this.schema.columns.map((c) => c.decoder);
    const limits = this.options.limits ?? DEFAULT_BATCH_LIMITS;
    const started = await Promise.all(slices.map((slice) => startCopyWorker({
      connection, snapshotId, sql: this.copySql(slice), deltaSchema: this.schema.deltaSchema, decoders, limits,
      readAhead: WORKER_READ_AHEAD, doing: this.doing, ...(files ? { files } : {}),
    }, arrowSchema, patience, signal)));
    const workers = started.filter((worker) => worker !== undefined);
    if (workers.length === slices.length) {
      this.readBy = 'worker';
      this.streams = workers.length;
      return workers;
    }
    // One session refused or too slow: all the rows on this session rather than some twice.
    await Promise.all(workers.map((worker) => worker.stop()));
    this.workerRefused = true;
    return undefined;
  }

  /** The table's estimated rows when a COPY worker is worth starting for it (-1: a query, or not estimated), else undefined. */
  private async workerEstimate(): Promise<number | undefined> {
    if (!this.options.connection || !this.position) return undefined;
    const min = this.options.workerMinRows ?? WORKER_MIN_ROWS;
    if (this.schema.table === undefined) return min === 0 ? -1 : undefined;
    const estimate = await this.client.query<{ rows: number }>('SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = to_regclass($1)', [this.schema.table]);
    const rows = estimate.rows[0]?.rows ?? -1;
    return min === 0 || rows >= min ? rows : undefined;
  }

  /**
   * Two conditions splitting the rows in two, for two COPY streams (two server backends, two
   * decoding threads) over the same snapshot; one (no condition) for a query, an empty table, or a
   * table neither split applies to. Either split puts every row of the snapshot in exactly one half,
   * unevenly at worst:
   * - a one-column integer primary key: at the middle of its range (read in this snapshot);
   * - else a table's heap: at the middle of its pages by `ctid`, which PostgreSQL 14 and later scan
   *   as a TID range (an older server would scan the whole table once per half). The size is read
   *   now and is no MVCC figure, so the upper half is left open: pages added since (rows this
   *   snapshot cannot see) only lengthen it. An updated row's old version keeps its ctid.
   */
  private async slices(): Promise<Array<string | undefined>> {
    const [key] = this.schema.primaryKey;
    const field = this.schema.deltaSchema.fields.find((f) => f.name === key);
    if (key !== undefined && this.schema.primaryKey.length === 1 && field && isIntegerType(field.type)) return this.keySlices(key);
    return this.schema.table === undefined ? [undefined] : this.pageSlices(this.schema.table);
  }

  private async keySlices(key: string): Promise<Array<string | undefined>> {
    const column = this.client.escapeIdentifier(key);
    const range = await this.client.query<{ lo: string | null; hi: string | null }>(`SELECT min(${column})::text AS lo, max(${column})::text AS hi FROM ${this.schema.from}`);
    const { lo, hi } = range.rows[0] ?? { lo: null, hi: null };
    if (lo === null || hi === null || lo === hi) return [undefined];
    const middle = BigInt(lo) + (BigInt(hi) - BigInt(lo)) / 2n;
    return [`${column} <= ${middle}`, `${column} > ${middle}`];
  }

  private async pageSlices(table: string): Promise<Array<string | undefined>> {
    const heap = await this.client.query<{ kind: string; pages: string; version: number }>(
      `SELECT c.relkind::text AS kind, (pg_relation_size(c.oid) / current_setting('block_size')::int)::text AS pages,
              current_setting('server_version_num')::int AS version
         FROM pg_class c WHERE c.oid = to_regclass($1)`, [table]);
    const row = heap.rows[0];
    // A plain table or materialized view has a heap of its own; a partitioned table's parent has none.
    if (!row || (row.kind !== 'r' && row.kind !== 'm') || row.version < TID_RANGE_SCAN_VERSION) return [undefined];
    const middle = Math.floor(Number(row.pages) / 2);
    if (middle < 1) return [undefined];
    const bound = `'(${middle},0)'::tid`;
    return [`ctid < ${bound}`, `ctid >= ${bound}`];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.query('COMMIT').catch(() => undefined);
  }
}

function isIntegerType(type: DataType): boolean {
  return type.kind === 'primitive' && (type.name === 'long' || type.name === 'integer' || type.name === 'short' || type.name === 'byte');
}
