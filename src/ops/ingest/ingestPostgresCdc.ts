import type pg from 'pg';
import { formatLsn, parseLsn } from '../../connectors/postgres/lsn';
import { isConnectionLoss, ReplicationStreamEnded } from '../../connectors/postgres/connectionLoss';
import { PgChangeBuffer } from '../../connectors/postgres/pgChangeBuffer';
import { assertCdcCapable } from '../../connectors/postgres/pgCdcCapability';
import { connectPostgres, type PgConnectionOptions } from '../../connectors/postgres/pgConnect';
import { createSlotWithSnapshot, dropSlot, ensureFullReplicaIdentity, ensurePublication, replicationError, slotState } from '../../connectors/postgres/pgReplicationSetup';
import { addedColumnsWithDefault, relationSchema, sameColumns } from '../../connectors/postgres/pgRelationSchema';
import { PgReplicationStream } from '../../connectors/postgres/pgReplicationStream';
import { PgSnapshotReader } from '../../connectors/postgres/pgSnapshotReader';
import { describePgSource, type PgSourceSchema } from '../../connectors/postgres/pgSourceSchema';
import { DeltaError } from '../../delta/errors';
import { openIfExists } from '../../delta/write/tableLocation';
import { writeTable } from '../../delta/write/writeTable';
import { applyKeyedChanges, type ApplyTimings } from './applyKeyedChanges';
import { warmKeyCache } from './cachedKeyMatch';
import { CommitCachingStore } from './commitCachingStore';
import { FileKeyCache } from './fileKeyCache';
import { replicationSlotName } from './replicationSlotName';
import { writeSnapshotInWorkers } from './writeSnapshotInWorkers';

export interface CdcBatching {
  /** Commit once this many row changes are buffered (default 50,000). */
  maxChanges?: number;
  /** ...or their values hold this many bytes (default 64 MiB). */
  maxBytes?: number;
  /**
   * ...or the oldest buffered change waited this long (default 500 ms: with the key cache a commit
   * costs little more than what it changes, and at 10,000 changes/s 500 ms cut the median lag by
   * 40% against 1,000 ms for 5% more CPU; see bench/README.md).
   */
  maxDelayMs?: number;
}

export interface PostgresCdcIngest {
  url: string;
  password?: string;
  /** `schema.table`; it needs a primary key. */
  table: string;
  target: string;
  /**
   * Default `lakehouse_<schema>_<table>_<hash of the target path>` (one slot per source and target);
   * created when missing. It is this pipeline's: nothing else may consume it.
   */
  slot?: string;
  /** Default: the slot name; created for the table when missing. */
  publication?: string;
  /** `once`: stop at the WAL end as of the start; `follow`: stream until `signal` aborts. */
  until: 'once' | 'follow';
  batching?: CdcBatching;
  signal?: AbortSignal;
  /**
   * A table this run creates marks replaced rows in deletion vectors rather than rewriting their
   * files on every commit: each commit then costs about what it changes, not the size of the files
   * it touches (measured: 2.7x faster commits on a 200k-row file). Off by default because readers
   * need deletion vector support (delta-rs 1.6's pyarrow reader refuses such tables).
   */
  deletionVectors?: boolean;
  /** --follow lost the connection (server restart, network) and tries again after `delayMs`. */
  onReconnect?: (attempt: { delayMs: number; reason: string }) => void;
  /** After each Delta commit, once its LSN was confirmed to the server. */
  onCommit?: (commit: CdcCommit) => void;
}

export interface CdcCommit {
  version: number;
  lsn: string;
  changes: number;
  /** Now minus the source commit time of the newest change in this commit. */
  lagMs: number;
  /** The source transactions this commit made visible: commit time (ms since the epoch) and row changes, for lag percentiles. */
  sourceTransactions: Array<{ commitTime: number; changes: number }>;
  /** Where this batch's time went (for benchmarks and diagnostics). */
  timings?: CdcBatchTimings;
}

/** Where one batch's time went, in milliseconds (wall, on a shared machine). */
export interface CdcBatchTimings extends ApplyTimings {
  /** Decoding the pgoutput messages of this batch (on the stream, while the previous commit ran). */
  decodeMs: number;
  /** Folding its row changes by key in the change buffer. */
  bufferMs: number;
  /** Turning the buffer into Arrow batches. */
  drainMs: number;
  /** Waiting for the previous commit to finish before this one could start. */
  queuedMs: number;
  /** Telling the server the LSN is flushed. */
  confirmMs: number;
}

export interface PostgresCdcResult {
  slot: string;
  publication: string;
  publicationCreated: boolean;
  replicaIdentityChanged: boolean;
  /** Set when this run took the initial snapshot. */
  snapshot?: { version: number; rows: number; lsn: string };
  commits: number;
  changes: number;
  /** The source position the Delta table now reflects. */
  lsn: string;
}

const DEFAULT_BATCHING: Required<CdcBatching> = { maxChanges: 50_000, maxBytes: 64 * 1024 * 1024, maxDelayMs: 500 };

/**
 * Change data capture from one table through logical replication (pgoutput). The first run
 * creates the slot with an exported snapshot, copies the table in that snapshot and commits it
 * with txn (appId = slot, version = the slot's consistent point); later changes are streamed
 * from there, folded per key, and committed by key (delete + insert) in batches whose commit
 * records the end LSN of the last source transaction it contains. The server is told that LSN is
 * flushed only after the Delta commit, and a restart streams from the LSN in the table, skipping
 * what it already holds: each change lands exactly once whatever moment the process dies at.
 */
export async function ingestPostgresCdc(options: PostgresCdcIngest): Promise<PostgresCdcResult> {
  const carried: { result?: PostgresCdcResult } = {};
  let lostSince: number | undefined;
  let delayMs = RECONNECT_FIRST_DELAY_MS;
  const streaming = (): void => {
    lostSince = undefined;
    delayMs = RECONNECT_FIRST_DELAY_MS;
  };
  for (;;) {
    try {
      return await streamChanges(options, carried, streaming);
    } catch (error) {
      // --follow rides out a server restart or a network cut: everything committed stays, and the
      // next attempt resumes from the LSN in the table, like a rerun would.
      if (options.until !== 'follow' || options.signal?.aborted || !isConnectionLoss(error)) throw error;
      lostSince ??= Date.now();
      const reason = error instanceof Error ? error.message : String(error);
      if (Date.now() - lostSince > RECONNECT_WINDOW_MS) {
        throw new DeltaError('SOURCE_CONNECTION_FAILED',
          `Lost the connection to PostgreSQL and could not stream again within ${RECONNECT_WINDOW_MS / 1000} s (${reason}). Everything up to LSN ${carried.result?.lsn ?? 'of the last commit'} is in the Delta table; run again to resume.`,
          { cause: error });
      }
      options.onReconnect?.({ delayMs, reason });
      await abortableSleep(delayMs, options.signal);
      if (options.signal?.aborted && carried.result) return carried.result;
      delayMs = Math.min(delayMs * 2, RECONNECT_MAX_DELAY_MS);
    }
  }
}

const RECONNECT_FIRST_DELAY_MS = 250;
const RECONNECT_MAX_DELAY_MS = 5_000;
/** How long --follow keeps trying after the connection was lost, before it stops with an error. */
const RECONNECT_WINDOW_MS = 60_000;

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** One connection's worth of ingest: the initial snapshot when needed, then streaming until done, stopped or cut. */
async function streamChanges(options: PostgresCdcIngest, carried: { result?: PostgresCdcResult }, onStreaming: () => void): Promise<PostgresCdcResult> {
  const connection: PgConnectionOptions = { url: options.url, ...(options.password === undefined ? {} : { password: options.password }) };
  const client = await connectPostgres(connection);
  let replication: pg.Client | undefined;
  let stream: PgReplicationStream | undefined;
  try {
    // Before the table is described or anything is created: QuestDB has no to_regclass, and on
    // PGlite a replication connection would take over its one session until it restarts.
    await assertCdcCapable(client);
    const schema = await describePgSource(client, { table: options.table });
    const table = schema.table as string;
    if (schema.primaryKey.length === 0) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT',
        `${table} has no primary key, which cdc mode needs to apply updates and deletes to the right rows. Add a PRIMARY KEY, or use --mode snapshot.`);
    }
    let buffer = new PgChangeBuffer(schema, schema.primaryKey);
    const slot = options.slot ?? replicationSlotName(table, options.target);
    const publication = options.publication ?? slot;
    const { created: publicationCreated } = await ensurePublication(client, publication, table);
    const replicaIdentityChanged = await ensureFullReplicaIdentity(client, table);

    replication = await connectPostgres({ ...connection, replication: true });
    const existing = await openIfExists(options.target);
    let committed = (existing ? await existing.snapshot() : undefined)?.txnVersion(slot);
    let snapshot: PostgresCdcResult['snapshot'];
    if (committed === undefined) {
      const taken = await initialSnapshot(client, replication, schema, slot, options);
      snapshot = taken;
      committed = parseLsn(taken.lsn);
    } else if (!(await slotState(client, slot))) {
      throw new DeltaError('SOURCE_NOT_FOUND',
        `Replication slot "${slot}" no longer exists, so the changes after LSN ${formatLsn(committed)} cannot be streamed. Run again with a new --slot name to take a new snapshot.`);
    }
    const stopAt = options.until === 'once' ? await currentWalLsn(client) : Infinity;

    // The keys of the table's data files, kept across this connection's commits (see FileKeyCache),
    // read before streaming: else the first commits read them while the first changes wait (at
    // 10,000 changes/s that was a 2.5 s first commit and lag above 4 s for its first seconds).
    const keyCache = new FileKeyCache();
    // Each apply loads the snapshot again: this store reads each commit file of the log once.
    const location = new CommitCachingStore(options.target);
    const current = await openIfExists(location);
    if (current) await warmKeyCache(await current.snapshot(), schema.primaryKey, keyCache, options.signal);
    await waitUntilSlotFree(client, slot, options.signal);
    stream = PgReplicationStream.start(replication, { slot, publication, startLsn: committed });
    const batching = { ...DEFAULT_BATCHING, ...options.batching };
    const before = carried.result;
    const taken = snapshot ?? before?.snapshot;
    const result: PostgresCdcResult = {
      slot, publication, publicationCreated: publicationCreated || (before?.publicationCreated ?? false),
      replicaIdentityChanged: replicaIdentityChanged || (before?.replicaIdentityChanged ?? false), ...(taken ? { snapshot: taken } : {}),
      commits: before?.commits ?? 0, changes: before?.changes ?? 0, lsn: formatLsn(committed),
    };
    carried.result = result;
    const active = stream;
    // Keepalive replies wake the loop below, so time-based commits and --once's end are noticed while the source is idle.
    const pinger = setInterval(() => active.ping(), Math.min(batching.maxDelayMs, 500));
    let stopping = false;
    let finished = false;
    const onAbort = (): void => { stopping = true; active.ping(); };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    let transaction: Array<Parameters<PgChangeBuffer['add']>[0]> | undefined;
    let commitTime = 0;
    let pendingLsn = committed;
    let pendingSince = 0;
    let newestCommitTime = 0;
    let sourceTransactions: CdcCommit['sourceTransactions'] = [];
    let bufferMs = 0;
    /**
     * Commits run behind the stream: a due batch is drained and applied while the loop keeps
     * decoding the next one, so waiting on Delta I/O no longer stalls replication. One commit at a
     * time, in LSN order; each confirms its LSN only after its own Delta commit.
     */
    let inFlight: Promise<void> | undefined;
    let flushing = false;
    let failure: { error: unknown } | undefined;
    const startFlush = (): Promise<void> => {
      const changes = buffer.changes;
      const drainStart = performance.now();
      const drained = changes > 0 ? buffer.drain() : undefined;
      const batchTimings = { decodeMs: active.takeDecodeMs(), bufferMs, drainMs: performance.now() - drainStart };
      bufferMs = 0;
      const lsn = pendingLsn;
      const transactions = sourceTransactions;
      const newest = newestCommitTime;
      sourceTransactions = [];
      pendingSince = 0;
      const previous = inFlight;
      flushing = true;
      const run = (async (): Promise<void> => {
        const queued = performance.now();
        await previous;
        const queuedMs = performance.now() - queued;
        let applied: Awaited<ReturnType<typeof applyKeyedChanges>> | undefined;
        if (drained) {
          applied = await applyKeyedChanges(location, drained, {
            key: schema.primaryKey, txn: { appId: slot, version: lsn }, operation: 'MERGE', source: table, keyCache,
          });
          result.commits++;
          result.changes += changes;
        }
        committed = lsn;
        result.lsn = formatLsn(lsn);
        const confirmStart = performance.now();
        active.confirm(lsn);
        const confirmMs = performance.now() - confirmStart;
        if (applied?.version !== undefined) {
          options.onCommit?.({
            version: applied.version, lsn: formatLsn(lsn), changes, lagMs: Date.now() - newest, sourceTransactions: transactions,
            timings: { ...batchTimings, queuedMs, ...applied.timings, confirmMs },
          });
        }
      })();
      inFlight = run;
      run.then(() => { if (inFlight === run) flushing = false; }, (error: unknown) => { failure ??= { error }; flushing = false; });
      return run;
    };
    try {
      let first = true;
      for await (const event of active.events()) {
        if (first) {
          first = false;
          onStreaming();
        }
        if (event.kind === 'data') {
          const message = event.message;
          switch (message.tag) {
            case 'begin':
              transaction = [];
              commitTime = message.commitTime;
              break;
            case 'relation': {
              if (!buffer.follows(message)) break;
              const announced = await relationSchema(client, message, schema, schema.primaryKey);
              if (!sameColumns(announced.columns, buffer.columns)) {
                // An ALTER TABLE: what was decoded under the old columns is committed first (a
                // transaction cut in two by the DDL is replayed whole after a crash; its upserts
                // and deletes by key land the same twice), then the table follows the new columns
                // at the next commit, or the pipeline stops there if it cannot.
                for (const change of transaction ?? []) buffer.add(change);
                if (transaction) transaction = [];
                if (buffer.changes > 0) await startFlush();
                else await inFlight;
                const known = new Set(buffer.columns.map((c) => c.name));
                const withDefault = await addedColumnsWithDefault(client, table, announced.columns.filter((c) => !known.has(c.name)).map((c) => c.name));
                if (withDefault.length > 0) {
                  throw new DeltaError('SOURCE_SCHEMA_INCOMPATIBLE',
                    `Column${withDefault.length > 1 ? 's' : ''} ${withDefault.join(', ')} of ${table} ${withDefault.length > 1 ? 'were' : 'was'} added with a DEFAULT, which PostgreSQL gives the existing rows without logging a change, so cdc cannot see their values. Everything before it is committed; take a new snapshot with a new --slot (or add columns without a default, then UPDATE them).`);
                }
                buffer = new PgChangeBuffer(announced, schema.primaryKey);
              }
              buffer.relation(message);
              break;
            }
            case 'insert':
            case 'update':
            case 'delete':
              transaction?.push(message);
              break;
            case 'truncate':
              if (buffer.isFollowing(message.relationIds)) {
                throw new DeltaError('SOURCE_QUERY_FAILED',
                  `${table} was truncated at the source; cdc mode does not apply TRUNCATE. Take a new snapshot with a new --slot name.`);
              }
              break;
            case 'commit':
              // A restart may see again the transactions up to the position the table already holds.
              if (message.endLsn > committed && transaction) {
                const folding = performance.now();
                for (const change of transaction) buffer.add(change);
                bufferMs += performance.now() - folding;
                if (transaction.length > 0) sourceTransactions.push({ commitTime, changes: transaction.length });
                if (buffer.changes > 0 && pendingSince === 0) pendingSince = Date.now();
                newestCommitTime = commitTime;
                pendingLsn = message.endLsn;
              }
              transaction = undefined;
              break;
            default:
              break;
          }
        }
        if (failure) throw failure.error;
        if (transaction !== undefined) continue;
        const reachedEnd = pendingLsn >= stopAt || (event.kind === 'keepalive' && event.walEnd >= stopAt);
        if (reachedEnd || stopping) {
          await startFlush();
          finished = true;
          break;
        }
        const due = buffer.changes >= batching.maxChanges || buffer.byteSize >= batching.maxBytes
          || (pendingSince > 0 && Date.now() - pendingSince >= batching.maxDelayMs);
        // While a commit runs the next batch keeps growing, up to twice the limits; then the stream waits.
        const full = buffer.changes >= 2 * batching.maxChanges || buffer.byteSize >= 2 * batching.maxBytes;
        if (due && (!flushing || full)) {
          if (flushing) await inFlight;
          void startFlush().catch(() => undefined);
        } else if (event.kind === 'keepalive' && !flushing && buffer.changes === 0 && event.walEnd > committed) {
          // Everything the server decoded up to walEnd was received and nothing of it is pending:
          // the slot may let that WAL go even though no Delta commit was needed.
          active.confirm(event.walEnd);
        }
      }
      if (!finished) {
        throw new DeltaError('SOURCE_CONNECTION_FAILED', `The server ended the replication stream at LSN ${result.lsn} (restarted or shut down?). Everything up to it is committed; run again to resume.`,
          { cause: new ReplicationStreamEnded('the replication stream ended') });
      }
    } finally {
      clearInterval(pinger);
      options.signal?.removeEventListener('abort', onAbort);
      // Never leave a commit running behind an error: the stream and connections close next.
      await inFlight?.catch(() => undefined);
    }
    if (failure) throw failure.error;
    return result;
  } catch (error) {
    throw replicationError(error, `streaming changes of ${options.table}`);
  } finally {
    stream?.close();
    await replication?.end().catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/**
 * A new slot and the table copied in its exported snapshot, committed as one overwrite that
 * records the slot's consistent point. A slot left by a run that died before that commit is
 * dropped and created again: its snapshot is gone, and nothing was committed from it.
 */
async function initialSnapshot(client: pg.Client, replication: pg.Client, schema: PgSourceSchema, slot: string, options: PostgresCdcIngest): Promise<{ version: number; rows: number; lsn: string }> {
  if (await slotState(client, slot)) {
    await waitUntilSlotFree(client, slot, options.signal);
    await dropSlot(replication, slot);
  }
  const created = await createSlotWithSnapshot(replication, slot);
  // The snapshot lives while the replication connection stays idle: the copy runs on the other one.
  const connection: PgConnectionOptions = { url: options.url, ...(options.password === undefined ? {} : { password: options.password }) };
  const reader = await PgSnapshotReader.open(client, { table: schema.table as string }, {
    importSnapshot: created.snapshotName, connection, ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const write = {
      mode: 'overwrite',
      schema: reader.schema.deltaSchema,
      txn: { appId: slot, version: created.consistentPoint },
      ...(options.deletionVectors ? { properties: { 'delta.enableDeletionVectors': 'true' } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    } as const;
    const summary = await writeSnapshotInWorkers(options.target, reader, write) ?? await writeTable(options.target, reader.batches(), write);
    return { version: summary.version, rows: summary.rowsAdded, lsn: formatLsn(created.consistentPoint) };
  } finally {
    await reader.close();
  }
}

/** The insert position: with synchronous_commit off, the write position can lag behind committed transactions. */
async function currentWalLsn(client: pg.Client): Promise<number> {
  const result = await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
  return parseLsn(result.rows[0]?.lsn ?? '0/0');
}

/** A killed ingest's walsender holds the slot until the server notices the closed socket. */
async function waitUntilSlotFree(client: pg.Client, slot: string, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await client.query<{ pid: number | null }>('SELECT active_pid AS pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    const pid = result.rows[0]?.pid ?? null;
    if (pid === null) return;
    if (Date.now() > deadline) {
      throw new DeltaError('SOURCE_QUERY_FAILED', `Replication slot "${slot}" is in use by server process ${pid}: another ingest is streaming from it. Stop it first.`);
    }
    signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
