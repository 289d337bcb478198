import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { DeltaTable } from '../src/delta/table';
import { ingestPostgresCdc } from '../src/ops/ingest/ingestPostgresCdc';
import type { PostgresCluster } from '../test/helpers/postgresCluster';
import type { CdcCommitLine, CdcEndLine } from './postgresCdcChild';

export interface CdcLoad {
  /** Offered row changes per second, over all clients. */
  rate: number;
  seconds: number;
  clients: number;
  /** The Delta table marks replaced rows in deletion vectors instead of rewriting files. */
  deletionVectors: boolean;
}

export interface CdcBenchResult {
  load: CdcLoad;
  offeredChanges: number;
  offeredPerSecond: number;
  /** Changes made visible while the load ran, per second of load. */
  appliedPerSecondDuringLoad: number;
  /** All offered changes over (last one visible - load start). */
  appliedPerSecondOverall: number;
  drainMs: number;
  lagMs: { p50: number; p95: number; max: number };
  /**
   * WAL the server had written but its walsender had not yet sent to the follower (sampled each
   * second during the load, pg_stat_replication): large means the server's logical decoding is
   * behind, and the lag is spent before the follower sees the changes.
   */
  unsentWalMiB: { p50: number; max: number };
  commits: number;
  followerCpuMs: number;
  equal: boolean;
  /** Per stage of a batch (see CdcBatchTimings): total ms over the run and the median per commit. */
  stages: Array<{ stage: string; totalMs: number; medianMs: number }>;
  /** Each commit, in order: ms since the load started, its changes, the lag of its oldest and newest source transaction, its stages. */
  perCommit: Array<{ atMs: number; changes: number; oldestLagMs: number; newestLagMs: number; timings?: CdcCommitLine['timings'] }>;
  summary: string;
}

const TABLE = 'cdc_items';
const ROWS = 200_000;
/** Row changes per source transaction: 50 updates, 40 inserts, 10 deletes. */
const PER_TRANSACTION = 100;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Offers `load` from several client connections (each on its own residue class of ids, so they never
 * wait on each other's row locks) while the bundled follower child streams into Delta, then waits
 * until it applied every offered change, stops it and checks the table equals the source.
 */
export async function runCdcBench(cluster: PostgresCluster, options: CdcLoad & { child: string; workDir: string; log: (line: string) => void; nodeFlags?: string[] }): Promise<CdcBenchResult> {
  const { log } = options;
  const admin = await cluster.client();
  await admin.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await admin.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, name text NOT NULL, qty int NOT NULL, updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  await admin.query(`INSERT INTO ${TABLE} (id, name, qty) SELECT g, 'item ' || g, g % 1000 FROM generate_series(1, ${ROWS}) g`);
  const target = join(options.workDir, 'cdc');
  rmSync(target, { recursive: true, force: true });
  const slot = 'bench_cdc';
  // The initial snapshot is not what this part measures.
  await ingestPostgresCdc({ url: cluster.url, table: TABLE, target, slot, until: 'once', deletionVectors: options.deletionVectors });

  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.child, JSON.stringify({ url: cluster.url, table: TABLE, target, slot })], { stdio: ['ignore', 'pipe', 'pipe'] });
  const commits: CdcCommitLine[] = [];
  let end: CdcEndLine | undefined;
  let stderr = '';
  let partial = '';
  let applied = 0;
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const parsed = JSON.parse(line) as CdcCommitLine | CdcEndLine;
      if (parsed.kind === 'commit') {
        commits.push(parsed);
        applied += parsed.changes;
      } else {
        end = parsed;
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 30_000;
  while ((await admin.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND active', [slot])).rows.length === 0) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the cdc follower did not start streaming:\n${stderr}`);
    await sleep(50);
  }

  log(`cdc: offering ${options.rate.toLocaleString('en-US')} changes/s from ${options.clients} connections for ${options.seconds} s`);
  const clients = await Promise.all(Array.from({ length: options.clients }, () => cluster.client()));
  const loadStart = Date.now();
  const sampler = await cluster.client();
  const unsent: number[] = [];
  let sampling = true;
  const sampled = (async (): Promise<void> => {
    while (sampling) {
      const row = (await sampler.query<{ bytes: number | null }>(
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn)::float8 AS bytes FROM pg_stat_replication WHERE application_name = 'lakehouse-ingest'")).rows[0];
      if (row?.bytes !== null && row?.bytes !== undefined) unsent.push(row.bytes / 2 ** 20);
      await sleep(1000);
    }
  })();
  const offered = await Promise.all(clients.map((client, c) => offerLoad(client, c, options, loadStart)));
  const loadEnd = Date.now();
  sampling = false;
  await sampled;
  await sampler.end();
  unsent.sort((a, b) => a - b);
  const offeredChanges = offered.reduce((a, b) => a + b, 0);
  const appliedDuringLoad = commits.filter((c) => c.visibleAt <= loadEnd).reduce((n, c) => n + c.changes, 0);
  const drainDeadline = Date.now() + 120_000;
  while (applied < offeredChanges && Date.now() < drainDeadline && child.exitCode === null) await sleep(50);
  const drainMs = Date.now() - loadEnd;
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0 || end === undefined) throw new Error(`the cdc follower failed (exit ${code}):\n${stderr}`);
  if (applied < offeredChanges) log(`cdc: the follower applied ${applied} of ${offeredChanges} changes within 120 s of the load's end`);

  const lags: Array<[number, number]> = commits.flatMap((c) => c.transactions.map(([commitTime, changes]): [number, number] => [c.visibleAt - commitTime, changes]));
  lags.sort((a, b) => a[0] - b[0]);
  const lastVisible = commits.at(-1)?.visibleAt ?? loadEnd;
  const equal = await sameContents(admin, target);
  const result: Omit<CdcBenchResult, 'summary'> = {
    load: { rate: options.rate, seconds: options.seconds, clients: options.clients, deletionVectors: options.deletionVectors },
    offeredChanges,
    offeredPerSecond: offeredChanges / ((loadEnd - loadStart) / 1000),
    appliedPerSecondDuringLoad: appliedDuringLoad / ((loadEnd - loadStart) / 1000),
    appliedPerSecondOverall: offeredChanges / ((lastVisible - loadStart) / 1000),
    drainMs,
    lagMs: { p50: weightedPercentile(lags, 0.5), p95: weightedPercentile(lags, 0.95), max: lags.at(-1)?.[0] ?? 0 },
    unsentWalMiB: { p50: unsent[unsent.length >> 1] ?? 0, max: unsent.at(-1) ?? 0 },
    commits: commits.length,
    followerCpuMs: end.cpuMs,
    equal,
    stages: stageTimes(commits),
    perCommit: commits.map((c) => ({
      atMs: c.visibleAt - loadStart, changes: c.changes,
      oldestLagMs: c.visibleAt - Math.min(...c.transactions.map(([t]) => t)), newestLagMs: c.visibleAt - Math.max(...c.transactions.map(([t]) => t)),
      ...(c.timings ? { timings: c.timings } : {}),
    })),
  };
  await Promise.all(clients.map((client) => client.query('SELECT 1')));
  await admin.query(`SELECT pg_drop_replication_slot('${slot}')`).catch(() => undefined);
  rmSync(target, { recursive: true, force: true });
  return { ...result, summary: formatCdc(result) };
}

/** One client's share of the load, paced to rate/clients changes per second; returns the row changes it made. */
async function offerLoad(client: pg.Client, index: number, load: CdcLoad, start: number): Promise<number> {
  const perClient = load.rate / load.clients;
  let sent = 0;
  let nextId = 10_000_000 * (index + 1);
  const pick = (n: number): number[] => {
    const ids = new Set<number>();
    while (ids.size < n) {
      const id = 1 + Math.floor(Math.random() * ROWS);
      if (id % load.clients === index) ids.add(id);
    }
    return [...ids].sort((a, b) => a - b);
  };
  while (Date.now() - start < load.seconds * 1000) {
    if (sent >= ((Date.now() - start) / 1000) * perClient) {
      await sleep(2);
      continue;
    }
    const updates = pick(60);
    const deletes = updates.splice(50);
    const results = await client.query(`BEGIN;
      UPDATE ${TABLE} SET qty = qty + 1, name = name || '+', updated_at = clock_timestamp() WHERE id = ANY('{${updates.join(',')}}');
      INSERT INTO ${TABLE} (id, name, qty) SELECT g, 'new ' || g, g % 1000 FROM generate_series(${nextId}, ${nextId + 39}) g;
      DELETE FROM ${TABLE} WHERE id = ANY('{${deletes.join(',')}}');
      COMMIT`) as unknown as pg.QueryResult[];
    nextId += 40;
    sent += results.reduce((n, r) => n + (r.command === 'BEGIN' || r.command === 'COMMIT' ? 0 : r.rowCount ?? 0), 0);
  }
  return sent;
}

const STAGES = ['decodeMs', 'bufferMs', 'drainMs', 'queuedMs', 'snapshotMs', 'matchMs', 'deletionVectorMs', 'rewriteMs', 'copiedRows', 'writeMs', 'commitMs', 'confirmMs', 'candidateFiles', 'filesRead'] as const;

function stageTimes(commits: readonly CdcCommitLine[]): CdcBenchResult['stages'] {
  return STAGES.map((stage) => {
    const values = commits.flatMap((c) => (c.timings ? [c.timings[stage]] : [])).sort((a, b) => a - b);
    return { stage, totalMs: values.reduce((a, b) => a + b, 0), medianMs: values[values.length >> 1] ?? 0 };
  });
}

function weightedPercentile(sorted: ReadonlyArray<[number, number]>, q: number): number {
  const total = sorted.reduce((n, [, w]) => n + w, 0);
  let seen = 0;
  for (const [value, weight] of sorted) {
    seen += weight;
    if (seen >= q * total) return value;
  }
  return sorted.at(-1)?.[0] ?? 0;
}

/** Row count, sum of qty and the largest id: equal on both sides, or the bench reports a mismatch. */
async function sameContents(admin: pg.Client, target: string): Promise<boolean> {
  const source = (await admin.query<{ n: string; q: string; m: string }>(`SELECT count(*) AS n, sum(qty) AS q, max(id) AS m FROM ${TABLE}`)).rows[0];
  const batches = await (await (await DeltaTable.open(target)).snapshot()).scan({ columns: ['id', 'qty'] }).collect();
  let rows = 0;
  let qty = 0n;
  let max = 0n;
  for (const batch of batches) {
    rows += batch.numRows;
    const ids = batch.getChild('id');
    const qtys = batch.getChild('qty');
    for (let i = 0; i < batch.numRows; i++) {
      qty += BigInt(qtys?.get(i) as number);
      const id = BigInt(ids?.get(i) as bigint);
      if (id > max) max = id;
    }
  }
  return String(rows) === source?.n && String(qty) === source.q && String(max) === source.m;
}

function formatCdc(result: Omit<CdcBenchResult, 'summary'>): string {
  const f = (n: number): string => Math.round(n).toLocaleString('en-US');
  return [
    `cdc --follow under a steady load (${result.load.clients} connections, ${result.load.deletionVectors ? 'deletion vectors' : 'copy-on-write'}, ${PER_TRANSACTION} changes per transaction: 50 updates, 40 inserts, 10 deletes; ${ROWS.toLocaleString('en-US')}-row table)`,
    '| offered changes/s | applied changes/s during load | applied overall | lag p50 ms | lag p95 ms | lag max ms | WAL not yet sent p50 / max MiB | commits | drain after load ms | follower CPU ms | table equals source |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| ${f(result.offeredPerSecond)} | ${f(result.appliedPerSecondDuringLoad)} | ${f(result.appliedPerSecondOverall)} | ${f(result.lagMs.p50)} | ${f(result.lagMs.p95)} | ${f(result.lagMs.max)} | ${result.unsentWalMiB.p50.toFixed(1)} / ${result.unsentWalMiB.max.toFixed(1)} | ${result.commits} | ${f(result.drainMs)} | ${f(result.followerCpuMs)} | ${result.equal ? 'yes' : 'NO'} |`,
    `goal: keep up with 10,000 changes/s with lag under 2 s.`,
    '',
    `where a batch's time goes (${result.commits} commits; ms, wall; the last two rows are file counts)`,
    `| ${result.stages.map((s) => s.stage.replace(/Ms$/, '')).join(' | ')} |`,
    `| ${result.stages.map(() => '---:').join(' | ')} |`,
    `| ${result.stages.map((s) => `${f(s.totalMs)} / ${f(s.medianMs)}`).join(' | ')} |`,
    '(total over the run / median per commit)',
  ].join('\n');
}
