/**
 * The PostgreSQL ingest benchmark of issue 7, everything measured in the same run against a
 * throwaway PostgreSQL cluster (test/helpers/postgresCluster.ts):
 *
 *   snapshot  5M rows x 10 mixed columns into a new Delta table: ours (bench/postgresChild.ts, bundled
 *             like the CLI) vs the raw binary COPY stream read and discarded by the same pg client
 *             (the physical limit) vs delta-rs writing the rows psycopg fetched (scripts/bench-postgres-peer.py).
 *   cdc       a steady offered write load (several client connections) while `cdc --follow` runs in a
 *             child process: applied changes/s and end-to-end lag p50/p95 (source commit -> Delta version).
 *
 *   npm run bench:postgres                             both
 *   npm run bench:postgres -- --only snapshot          one part
 *   npm run bench:postgres -- --rows 500000 --runs 1   a quick check
 *   npm run bench:postgres -- --rate 10000 --seconds 60 --clients 4   the cdc load
 *   npm run bench:postgres -- --dv                     the cdc table uses deletion vectors
 *   npm run bench:postgres -- --profile                also CPU-profile our snapshot child and print hot spots
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgresCluster, type PostgresCluster } from '../test/helpers/postgresCluster';
import { CACHE_DIR, REPO_ROOT, RESULTS_DIR, peerPython } from './benchPaths';
import { hotSpots, inclusiveSpots } from './cpuProfile';
import { buildOursChild } from './oursChildBundle';
import { runCdcBench, type CdcBenchResult } from './postgresCdc';
import { isPostgresChildResult, type PostgresBenchJob, type PostgresChildResult } from './postgresJob';
import { BENCH_TABLE, createBenchTable } from './postgresTable';
import { runJsonChild } from './runChild';

const log = (line: string): void => { process.stderr.write(`${line}\n`); };
const WORK_DIR = join(CACHE_DIR, 'postgres');

type Engine = 'copy' | 'copyStreams' | 'ours' | 'deltaRs';
const LABELS: Record<Engine, string> = {
  copy: 'raw binary COPY (read, discarded)', copyStreams: 'same, read by pg-copy-streams', ours: 'ours: snapshot into Delta', deltaRs: 'delta-rs + psycopg',
};

interface Children { ours: string; python: string }

function runEngine(engine: Engine, cluster: PostgresCluster, children: Children, nodeFlags: string[] = []): Promise<PostgresChildResult & { processMs: number }> {
  const target = join(WORK_DIR, engine);
  rmSync(target, { recursive: true, force: true });
  if (engine === 'deltaRs') {
    const conninfo = `host=${cluster.socketDir} port=${cluster.port} user=lakehouse dbname=postgres`;
    return runJsonChild(children.python, [join(REPO_ROOT, 'scripts', 'bench-postgres-peer.py'), JSON.stringify({ conninfo, table: BENCH_TABLE, target })], REPO_ROOT, isPostgresChildResult);
  }
  const job: PostgresBenchJob = engine === 'ours'
    ? { op: 'snapshot', url: cluster.url, table: BENCH_TABLE, target }
    : { op: 'copy', url: cluster.url, table: BENCH_TABLE, reader: engine === 'copy' ? 'copyOut' : 'pg-copy-streams' };
  return runJsonChild(process.execPath, [...nodeFlags, children.ours, JSON.stringify(job)], REPO_ROOT, isPostgresChildResult);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface SnapshotResult { rows: number; runs: Record<Engine, PostgresChildResult[]> }

async function snapshotBench(cluster: PostgresCluster, rows: number, runs: number, children: Children): Promise<SnapshotResult> {
  const engines: Engine[] = ['copy', 'ours', 'deltaRs', 'copyStreams'];
  const result: SnapshotResult = { rows, runs: { copy: [], copyStreams: [], ours: [], deltaRs: [] } };
  for (let run = 0; run < runs; run++) {
    // Rotate who goes first so no engine always gets the warmest caches.
    const order = [...engines.slice(run % engines.length), ...engines.slice(0, run % engines.length)];
    for (const engine of order) {
      const outcome = await runEngine(engine, cluster, children);
      rmSync(join(WORK_DIR, engine), { recursive: true, force: true });
      if (outcome.rows !== undefined && outcome.rows !== rows) throw new Error(`${LABELS[engine]} wrote ${outcome.rows} rows, the source has ${rows}`);
      result.runs[engine].push(outcome);
      log(`  run ${run + 1}/${runs} ${LABELS[engine].padEnd(34)} ${outcome.ms.toFixed(0).padStart(7)} ms  cpu ${outcome.cpuMs.toFixed(0).padStart(7)} ms  peak ${(outcome.peakKiB / 1024).toFixed(0).padStart(5)} MiB  load ${(loadavg()[0] as number).toFixed(1)}`);
    }
  }
  return result;
}

function formatSnapshot(result: SnapshotResult): string {
  const copyMs = median(result.runs.copy.map((r) => r.ms));
  const lines = [
    `snapshot of ${result.rows.toLocaleString('en-US')} rows x 10 columns (median of ${result.runs.copy.length})`,
    '| engine | ms | rows/s | share of raw COPY rate | CPU ms (child) | peak MiB |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const engine of ['copy', 'copyStreams', 'ours', 'deltaRs'] as const) {
    const ms = median(result.runs[engine].map((r) => r.ms));
    const cpu = median(result.runs[engine].map((r) => r.cpuMs));
    const peak = median(result.runs[engine].map((r) => r.peakKiB)) / 1024;
    lines.push(`| ${LABELS[engine]} | ${ms.toFixed(0)} | ${Math.round(result.rows / (ms / 1000)).toLocaleString('en-US')} | ${((copyMs / ms) * 100).toFixed(0)}% | ${cpu.toFixed(0)} | ${peak.toFixed(0)} |`);
  }
  const ours = median(result.runs.ours.map((r) => r.ms));
  const deltaRs = median(result.runs.deltaRs.map((r) => r.ms));
  const streamsMs = median(result.runs.copyStreams.map((r) => r.ms));
  lines.push('', `ours / raw COPY rate: ${((copyMs / ours) * 100).toFixed(0)}% (goal >= 70%; ${((streamsMs / ours) * 100).toFixed(0)}% of the rate read by pg-copy-streams); ours is ${(deltaRs / ours).toFixed(2)}x the rate of delta-rs + psycopg.`);
  return lines.join('\n');
}

async function profileSnapshot(cluster: PostgresCluster, children: Children): Promise<void> {
  const dir = join(WORK_DIR, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await runEngine('ours', cluster, children, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  printProfile(dir, children.ours, 'our snapshot');
}

function printProfile(dir: string, bundle: string, what: string): void {
  // One file per thread, the main thread's first: node names them <pid>.<thread id>.<sequence>.
  const profiles = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile')).sort();
  const profile = profiles[0];
  if (!profile) throw new Error(`node wrote no .cpuprofile into ${dir}`);
  const path = join(dir, profile);
  log(`\nCPU profile of ${what}: ${path}`);
  // Where the process waits: a thread's idle time is time it had nothing to do (not time it was descheduled).
  for (const [i, file] of profiles.entries()) {
    const { busyMs, idleMs } = busyAndIdle(join(dir, file));
    log(`  thread ${i === 0 ? 'main' : `worker ${i}`}: busy ${busyMs.toFixed(0)} ms, idle ${idleMs.toFixed(0)} ms  (${file})`);
  }
  log('  our functions, callees included (busy time, idle excluded):');
  for (const spot of inclusiveSpots(path, bundle, 18)) {
    log(`  ${spot.totalMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}`);
  }
  log('  self time (hottest lines):');
  for (const spot of hotSpots(path, bundle, 18)) {
    log(`  ${spot.selfMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}${spot.hotLines.length > 0 ? `  hot: ${spot.hotLines.join(', ')}` : ''}`);
  }
}

function busyAndIdle(path: string): { busyMs: number; idleMs: number } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Array<{ id: number; callFrame: { functionName: string } }>; samples: number[]; timeDeltas: number[] };
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let busyUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    if (idle.has(id)) idleUs += us;
    else busyUs += us;
  });
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000 };
}

function positive(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || !Number.isInteger(value)) throw new Error(`--${name} must be a positive integer, got ${text}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' }, rows: { type: 'string' }, runs: { type: 'string' }, profile: { type: 'boolean', default: false },
      rate: { type: 'string' }, seconds: { type: 'string' }, clients: { type: 'string' }, dv: { type: 'boolean', default: false },
    },
  });
  const only = values.only?.split(',').map((s) => s.trim()) ?? ['snapshot', 'cdc'];
  const unknown = only.filter((part) => part !== 'snapshot' && part !== 'cdc');
  if (unknown.length > 0) throw new Error(`--only ${values.only}: parts are snapshot and cdc`);
  const rows = positive(values.rows, 'rows') ?? 5_000_000;
  const runs = positive(values.runs, 'runs') ?? 2;
  const cdcLoad = { rate: positive(values.rate, 'rate') ?? 10_000, seconds: positive(values.seconds, 'seconds') ?? 60, clients: positive(values.clients, 'clients') ?? 4, deletionVectors: values.dv };

  const cluster = await startPostgresCluster();
  if (!cluster) throw new Error('No PostgreSQL server binaries: apt-get install postgresql (as .ci/run does), or set LAKEHOUSE_PG_BIN.');
  mkdirSync(WORK_DIR, { recursive: true });
  try {
    log('building our child bundles…');
    const children: Children = { ours: await buildOursChild('bench/postgresChild.ts', 'postgres-child'), python: peerPython() };
    // The snapshot copies through src/connectors/postgres/copyInWorker.ts, which starts this bundle from the child's directory.
    await buildOursChild('src/connectors/postgres/pgCopyWorker.ts', 'pgCopyWorker');
    const loadBefore = loadavg()[0] as number;
    if (loadBefore > cpus().length) log(`warning: load average ${loadBefore.toFixed(1)} on ${cpus().length} CPUs; wall times will be inflated (cpu ms is steadier)`);
    const report: { snapshot?: SnapshotResult; cdc?: CdcBenchResult } = {};
    const out: string[] = [];
    if (only.includes('snapshot')) {
      const admin = await cluster.client();
      const started = Date.now();
      await createBenchTable(admin, rows);
      log(`generated ${rows.toLocaleString('en-US')} source rows in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      report.snapshot = await snapshotBench(cluster, rows, runs, children);
      out.push(formatSnapshot(report.snapshot));
      if (values.profile) await profileSnapshot(cluster, children);
      await admin.query(`DROP TABLE ${BENCH_TABLE}`);
    }
    if (only.includes('cdc')) {
      const cdcChild = await buildOursChild('bench/postgresCdcChild.ts', 'postgres-cdc-child');
      const profileDir = join(WORK_DIR, 'cdc-profile');
      rmSync(profileDir, { recursive: true, force: true });
      const nodeFlags = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
      report.cdc = await runCdcBench(cluster, { ...cdcLoad, child: cdcChild, workDir: WORK_DIR, log, nodeFlags });
      out.push(report.cdc.summary);
      if (values.profile) printProfile(profileDir, cdcChild, 'the cdc follower');
    }
    process.stdout.write(`\n${out.join('\n\n')}\n`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
    const file = join(RESULTS_DIR, `postgres-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), loadavg: loadavg(), ...report }, null, 1)}\n`);
    log(`results: ${file}`);
  } finally {
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
