/**
 * The PostgreSQL snapshot of two (or more) source trees, alternating in one run with the raw binary COPY
 * read by `copyOut`: wall-time shares of 5-15% that `npm run bench:postgres` cannot show on a loaded
 * machine (single runs spread by 2x there) show here, with each tree's CPU beside them.
 *
 *   node --import tsx bench/postgresAB.ts [--rows 5000000] [--runs 5] <tree> <tree> ...
 *
 * A tree is a checkout's root, e.g. a `git archive` copy of a commit (its node_modules are linked to this
 * checkout's when missing). Each run of a round starts a new process, the order rotating per round.
 */
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgresCluster } from '../test/helpers/postgresCluster';
import { CACHE_DIR, REPO_ROOT } from './benchPaths';
import { buildOursChild } from './oursChildBundle';
import { isPostgresChildResult, type PostgresBenchJob, type PostgresChildResult } from './postgresJob';
import { BENCH_TABLE, createBenchTable } from './postgresTable';
import { runJsonChild } from './runChild';

const WORK_DIR = join(CACHE_DIR, 'postgres-ab');
const log = (line: string): void => { process.stderr.write(`${line}\n`); };
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

/** The tree's snapshot child and COPY worker, bundled side by side in their own directory. */
async function bundleTree(tree: string, index: number): Promise<string> {
  const modules = join(tree, 'node_modules');
  if (!existsSync(modules)) symlinkSync(join(REPO_ROOT, 'node_modules'), modules);
  const from = { root: tree, dir: join(WORK_DIR, `tree-${index}`) };
  await buildOursChild('src/connectors/postgres/pgCopyWorker.ts', 'pgCopyWorker', from);
  return buildOursChild('bench/postgresChild.ts', 'postgres-child', from);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { rows: { type: 'string', default: '5000000' }, runs: { type: 'string', default: '5' } }, allowPositionals: true });
  if (positionals.length === 0) throw new Error('name one or more source trees');
  const rows = Number(values.rows);
  const trees = positionals.map((tree) => resolve(tree));
  const children = await Promise.all(trees.map(bundleTree));
  const engines = ['raw', ...trees.map((tree, i) => `${i}:${basename(tree)}`)];
  const results = new Map<string, PostgresChildResult[]>(engines.map((engine) => [engine, []]));
  const cluster = await startPostgresCluster();
  if (!cluster) throw new Error('No PostgreSQL server binaries: apt-get install postgresql (as .ci/run does), or set LAKEHOUSE_PG_BIN.');
  try {
    await createBenchTable(await cluster.client(), rows);
    for (let run = 0; run < Number(values.runs); run++) {
      const order = [...engines.slice(run % engines.length), ...engines.slice(0, run % engines.length)];
      for (const engine of order) {
        const index = engines.indexOf(engine) - 1;
        const target = join(WORK_DIR, 'target');
        rmSync(target, { recursive: true, force: true });
        const job: PostgresBenchJob = index < 0
          ? { op: 'copy', url: cluster.url, table: BENCH_TABLE, reader: 'copyOut' }
          : { op: 'snapshot', url: cluster.url, table: BENCH_TABLE, target };
        const outcome = await runJsonChild(process.execPath, [children[Math.max(0, index)] as string, JSON.stringify(job)], REPO_ROOT, isPostgresChildResult);
        rmSync(target, { recursive: true, force: true });
        if (outcome.rows !== undefined && outcome.rows !== rows) throw new Error(`${engine} wrote ${outcome.rows} rows, the source has ${rows}`);
        results.get(engine)?.push(outcome);
        log(`  run ${run + 1} ${engine.padEnd(24)} ${outcome.ms.toFixed(0).padStart(7)} ms  cpu ${outcome.cpuMs.toFixed(0).padStart(6)} ms  peak ${(outcome.peakKiB / 1024).toFixed(0).padStart(4)} MiB  load ${(loadavg()[0] as number).toFixed(1)}`);
      }
    }
  } finally {
    await cluster.stop();
  }
  const rawMs = median((results.get('raw') ?? []).map((r) => r.ms));
  const lines = ['| engine | ms (median) | runs ms | share of raw | CPU ms (median) | peak MiB |', '| --- | ---: | --- | ---: | ---: | ---: |'];
  for (const [engine, runs] of results) {
    const ms = median(runs.map((r) => r.ms));
    lines.push(`| ${engine} | ${ms.toFixed(0)} | ${runs.map((r) => r.ms.toFixed(0)).join(' / ')} | ${((rawMs / ms) * 100).toFixed(0)}% | ${median(runs.map((r) => r.cpuMs)).toFixed(0)} | ${(median(runs.map((r) => r.peakKiB)) / 1024).toFixed(0)} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
