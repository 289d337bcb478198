/**
 * The reader benchmark of issue 3: our engine against delta-rs on the same tables in the same run.
 * Each measurement is a fresh child process (node for us, python for delta-rs), so peak memory is
 * per engine; the engines alternate and the median of the runs is reported.
 *
 *   npm run bench                       all cases
 *   npm run bench -- --only a,d         some cases
 *   npm run bench -- --runs 1           fewer repetitions
 *   npm run bench -- --profile          also CPU-profile our child once per case and print hot spots
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_CASES, type BenchCase } from './benchCases';
import type { BenchJob } from './benchJob';
import { CACHE_DIR, REPO_ROOT, RESULTS_DIR, peerPython } from './benchPaths';
import { ensureTable } from './benchTables';
import { hotSpots, inclusiveSpots } from './cpuProfile';
import { buildOursChild } from './oursChildBundle';
import { runChild, type ChildRun } from './runChild';
import { disagreements, ENGINE_LABELS, formatTable, summarise, type CaseResult, type Engine } from './summary';

const log = (line: string): void => { process.stderr.write(`${line}\n`); };

function jobOf(benchCase: BenchCase, path: string): BenchJob {
  return benchCase.op === 'load' ? { op: 'load', path } : { op: 'scan', path, ...(benchCase.range ? { range: benchCase.range } : {}) };
}

async function measureCase(benchCase: BenchCase, runs: number, oursChild: string, python: string): Promise<CaseResult> {
  const tablePath = await ensureTable(benchCase.table, log);
  const job = JSON.stringify(jobOf(benchCase, tablePath));
  const peer = (reader: string) => (): Promise<ChildRun> =>
    runChild(python, [join(REPO_ROOT, 'scripts', 'bench-peer.py'), job, reader], REPO_ROOT);
  const engines: Record<Engine, () => Promise<ChildRun>> = {
    ours: () => runChild(process.execPath, [oursChild, job], REPO_ROOT),
    deltaRs: peer('datafusion'),
    deltaRsPyarrow: peer('pyarrow'),
  };
  // Loading a snapshot is the same call for both delta-rs readers; only scans differ.
  const measured: Engine[] = benchCase.op === 'scan' ? ['ours', 'deltaRs', 'deltaRsPyarrow'] : ['ours', 'deltaRs'];
  const result: CaseResult = { benchCase, tablePath, ours: [], deltaRs: [], deltaRsPyarrow: [] };
  for (let run = 0; run < runs; run++) {
    // Rotate who goes first so no engine always gets the warmest page cache.
    const order = [...measured.slice(run % measured.length), ...measured.slice(0, run % measured.length)];
    for (const engine of order) {
      const outcome = await engines[engine]();
      result[engine].push(outcome);
      log(`  (${benchCase.id}) run ${run + 1}/${runs} ${ENGINE_LABELS[engine].padEnd(18)} ${outcome.ms.toFixed(0).padStart(6)} ms  cpu ${outcome.cpuMs.toFixed(0).padStart(6)} ms  peak ${(outcome.peakKiB / 1024).toFixed(0)} MiB`);
    }
  }
  return result;
}

async function profileCase(benchCase: BenchCase, oursChild: string): Promise<void> {
  const tablePath = await ensureTable(benchCase.table, log);
  const dir = join(CACHE_DIR, 'profiles', benchCase.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await runChild(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, oursChild, JSON.stringify(jobOf(benchCase, tablePath))], REPO_ROOT);
  const profile = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!profile) throw new Error(`node wrote no .cpuprofile into ${dir}`);
  log(`\nCPU profile of ours, case (${benchCase.id}) ${benchCase.title}: ${join(dir, profile)}`);
  log('  our functions, callees included (busy time, idle excluded):');
  for (const spot of inclusiveSpots(join(dir, profile), oursChild, 15)) {
    log(`  ${spot.totalMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}`);
  }
  log('  self time (hottest lines):');
  for (const spot of hotSpots(join(dir, profile), oursChild, 12)) {
    log(`  ${spot.selfMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}${spot.hotLines.length > 0 ? `  hot: ${spot.hotLines.join(', ')}` : ''}`);
  }
}

/** The commit measured, and whether the work tree had uncommitted engine changes. */
function gitDescribe(): { head: string; dirtyEngine: boolean } {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  return { head: git('rev-parse', 'HEAD'), dirtyEngine: git('status', '--porcelain', '--', 'src/delta', 'src/parquet', 'src/storage', 'src/arrow') !== '' };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, runs: { type: 'string' }, profile: { type: 'boolean', default: false } },
  });
  const only = values.only?.split(',').map((s) => s.trim());
  const cases = BENCH_CASES.filter((c) => !only || only.includes(c.id));
  if (cases.length === 0) throw new Error(`--only ${values.only}: no such case (cases: ${BENCH_CASES.map((c) => c.id).join(', ')})`);
  const runsOverride = values.runs === undefined ? undefined : Number(values.runs);
  if (runsOverride !== undefined && (!Number.isInteger(runsOverride) || runsOverride < 1)) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const python = peerPython();
  const started = Date.now();
  log('building our child bundle…');
  const oursChild = await buildOursChild();
  for (const benchCase of cases) await ensureTable(benchCase.table, log);

  const loadBefore = loadavg()[0] as number;
  if (loadBefore > cpus().length) {
    log(`warning: load average ${loadBefore.toFixed(1)} on ${cpus().length} CPUs; wall times will be inflated for both engines (cpu ms is steadier)`);
  }
  const results: CaseResult[] = [];
  for (const benchCase of cases) {
    log(`case (${benchCase.id}) ${benchCase.title}`);
    results.push(await measureCase(benchCase, runsOverride ?? benchCase.runs, oursChild, python));
  }
  process.stdout.write(`\n${formatTable(results)}\n`);
  process.stdout.write([
    'ms: median time of the operation inside a fresh child process (table path to snapshot, or to the last batch), start-up and imports excluded.',
    'delta-rs: DeltaTable(path) for loads, DeltaTable.scan (DataFusion) for scans; "pyarrow": DeltaTable.to_pyarrow_dataset().to_batches().',
    'ratio: ours / delta-rs (below 1: we are faster). cpu ms: user+system time of the operation, all threads.',
    'peak: VmHWM of the child right after the operation.',
    'files read: after stats skipping (delta-rs: file_uris(file_pruning_predicate), pyarrow: matching fragments).',
  ].join('\n') + '\n');

  const problems = results.flatMap((r) => disagreements(r).map((p) => `(${r.benchCase.id}) ${p}`));
  for (const problem of problems) process.stdout.write(`MISMATCH ${problem}\n`);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  const file = join(RESULTS_DIR, `reader-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverage: { before: loadBefore, after: loadavg()[0] } },
    commit: gitDescribe(),
    cases: results.map((r) => ({
      id: r.benchCase.id, title: r.benchCase.title, table: r.benchCase.table, range: r.benchCase.range,
      ours: summarise(r.ours), deltaRs: summarise(r.deltaRs),
      ...(r.deltaRsPyarrow.length > 0 ? { deltaRsPyarrow: summarise(r.deltaRsPyarrow) } : {}),
      ratio: summarise(r.ours).ms / summarise(r.deltaRs).ms,
      runs: { ours: r.ours, deltaRs: r.deltaRs, deltaRsPyarrow: r.deltaRsPyarrow },
    })),
    mismatches: problems,
  }, null, 2)}\n`);
  log(`results written to ${file}`);

  if (values.profile) for (const benchCase of cases) await profileCase(benchCase, oursChild);
  log(`bench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
