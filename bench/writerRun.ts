/**
 * The writer benchmark of issue 4: our writer against delta-rs (`write_deltalake`, `merge`,
 * `delete`) on the same data in the same run. Each measurement is a fresh child process on a fresh
 * copy of the input table; the other engine then reads the result back and the counts are checked.
 *
 *   npm run bench:writer                        all cases at full size
 *   npm run bench:writer -- --only merge        some cases (append, merge, delete)
 *   npm run bench:writer -- --runs 3            repetitions of every case (default: append 3, merge and delete 1)
 *   npm run bench:writer -- --scale 0.1         every row count times 0.1 (a quick check)
 *   npm run bench:writer -- --profile           also CPU-profile our child once per case and print hot spots
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, RESULTS_DIR, peerPython } from './benchPaths';
import { hotSpots, inclusiveSpots } from './cpuProfile';
import { buildOursChild } from './oursChildBundle';
import { runJsonChild } from './runChild';
import { scaledSizes, writerCases, type Contender, type WriterCase } from './writer/writerCases';
import { isWriterChildResult, type WriterChildResult, type WriterJob } from './writer/writerJob';
import { lastCommitFiles } from './writer/lastCommit';
import { formatWriterTable, summariseRuns, writerDisagreements, type WriterCaseResult, type WriterRun } from './writer/writerSummary';
import { ensureTargetTables, removeWorkTables, workTable, WRITER_CACHE_DIR, type TargetTables } from './writer/writerTables';

const log = (line: string): void => { process.stderr.write(`${line}\n`); };

interface Children { ours: string; python: string }

function runEngine(engine: Contender['engine'], job: WriterJob, children: Children, nodeFlags: string[] = []): Promise<WriterChildResult & { processMs: number }> {
  const args = engine === 'ours'
    ? ['--expose-gc', ...nodeFlags, children.ours, JSON.stringify(job)]
    : [join(REPO_ROOT, 'scripts', 'bench-writer-peer.py'), 'run', JSON.stringify(job)];
  return runJsonChild(engine === 'ours' ? process.execPath : children.python, args, REPO_ROOT, isWriterChildResult);
}

async function measureCase(writerCase: WriterCase, runs: number, targets: TargetTables | undefined, children: Children): Promise<WriterCaseResult> {
  const result: WriterCaseResult = { writerCase, runs: new Map(writerCase.contenders.map((c) => [c, []])) };
  const { contenders, expected } = writerCase;
  for (let run = 0; run < runs; run++) {
    // Rotate who goes first so no engine always gets the warmest page cache.
    const order = [...contenders.slice(run % contenders.length), ...contenders.slice(0, run % contenders.length)];
    for (const contender of order) {
      const table = workTable(contender.start, targets, `${writerCase.id}-${contender.label.replace(/[^a-z]+/gi, '-')}`);
      const outcome = await runEngine(contender.engine, contender.job(table), children);
      const commit = lastCommitFiles(table);
      // The other engine reads the result back.
      const check = await runEngine(contender.engine === 'ours' ? 'deltaRs' : 'ours', { op: 'count', table, where: expected.where }, children);
      rmSync(table, { recursive: true, force: true });
      const measured: WriterRun = { ...outcome, commit, check: { rows: check.rows ?? -1, matching: check.matching ?? -1 } };
      result.runs.get(contender)?.push(measured);
      const main = outcome.mainCpuMs === undefined ? '' : ` (main ${outcome.mainCpuMs.toFixed(0)})`;
      log(`  ${writerCase.id} run ${run + 1}/${runs} ${contender.label.padEnd(24)} ${outcome.ms.toFixed(0).padStart(7)} ms  cpu ${outcome.cpuMs.toFixed(0).padStart(7)} ms${main}  peak ${(outcome.peakKiB / 1024).toFixed(0).padStart(5)} MiB  rows after ${measured.check.rows}  ${commit.codec}`);
    }
  }
  return result;
}

async function profileCase(writerCase: WriterCase, targets: TargetTables | undefined, children: Children): Promise<void> {
  for (const contender of writerCase.contenders.filter((c) => c.engine === 'ours')) {
    const name = `${writerCase.id}-${contender.label.replace(/[^a-z]+/gi, '-')}`;
    const dir = join(WRITER_CACHE_DIR, 'profiles', name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const table = workTable(contender.start, targets, `profile-${name}`);
    await runEngine('ours', contender.job(table), children, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    rmSync(table, { recursive: true, force: true });
    const profile = readdirSync(dir).find((file) => file.endsWith('.cpuprofile'));
    if (!profile) throw new Error(`node wrote no .cpuprofile into ${dir}`);
    const path = join(dir, profile);
    log(`\nCPU profile of ours, ${writerCase.title} (${contender.label}): ${path}`);
    log('  our functions, callees included (busy time, idle excluded):');
    for (const spot of inclusiveSpots(path, children.ours, 18)) {
      log(`  ${spot.totalMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}`);
    }
    log('  self time (hottest lines):');
    for (const spot of hotSpots(path, children.ours, 15)) {
      log(`  ${spot.selfMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}${spot.hotLines.length > 0 ? `  hot: ${spot.hotLines.join(', ')}` : ''}`);
    }
  }
}

/** The commit measured, or null outside a git checkout (e.g. a `git archive` copy measured apart from a busy work tree). */
function gitHead(): { head: string; dirtyEngine: boolean } | null {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { head: git('rev-parse', 'HEAD'), dirtyEngine: git('status', '--porcelain', '--', 'src/delta', 'src/parquet', 'src/storage', 'src/arrow') !== '' };
  } catch {
    return null;
  }
}

function positive(text: string | undefined, name: string, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${text}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, runs: { type: 'string' }, scale: { type: 'string' }, profile: { type: 'boolean', default: false } },
  });
  const scale = positive(values.scale, 'scale', false) ?? 1;
  const runsOverride = positive(values.runs, 'runs', true);
  const sizes = scaledSizes(scale);
  const only = values.only?.split(',').map((s) => s.trim());
  const all = writerCases(sizes);
  const cases = all.filter((c) => !only || only.includes(c.id));
  if (cases.length === 0) throw new Error(`--only ${values.only}: no such case (cases: ${all.map((c) => c.id).join(', ')})`);
  const started = Date.now();
  log('building our child bundle…');
  const children: Children = { ours: await buildOursChild('bench/writer/writerChild.ts', 'writer-child'), python: peerPython() };
  const needsTarget = cases.some((c) => c.contenders.some((x) => x.start !== 'none'));
  const targets = needsTarget ? await ensureTargetTables(sizes.targetRows, log) : undefined;
  removeWorkTables();

  const loadBefore = loadavg()[0] as number;
  if (loadBefore > cpus().length) {
    log(`warning: load average ${loadBefore.toFixed(1)} on ${cpus().length} CPUs; wall times will be inflated for both engines (cpu ms is steadier)`);
  }
  const results: WriterCaseResult[] = [];
  for (const writerCase of cases) {
    log(`case ${writerCase.id}: ${writerCase.title}`);
    results.push(await measureCase(writerCase, runsOverride ?? writerCase.runs, targets, children));
  }
  process.stdout.write(`\n${formatWriterTable(results)}\n`);
  process.stdout.write(`load average (1 min) on ${cpus().length} CPUs: ${loadBefore.toFixed(1)} before, ${(loadavg()[0] as number).toFixed(1)} after\n`);
  process.stdout.write([
    `sizes: ${JSON.stringify(sizes)}${scale === 1 ? '' : ` (--scale ${scale}; issue 4 asks for scale 1)`}`,
    'ms: median time of the operation inside a fresh child process (table path to committed version); generating the input rows is not timed.',
    'ratio: ours / delta-rs (below 1: we are faster), "default" against delta-rs with its default codec (Snappy for write and MERGE),',
    '  "same" against delta-rs with WriterProperties(compression="ZSTD") (level 1), our codec: the like-for-like figure.',
    '  Where a case has no such run (DELETE), "same" is its default run when that wrote our codec too (see codec).',
    'cpu ms: user+system time of the operation, all threads. main-thread cpu ms: ours\' JS thread alone (ZSTD runs on libuv\'s threads).',
    'peak: VmHWM of the child right after the operation (input included), its ratio ours / delta-rs. input: VmRSS before it (runtime, libraries and the generated input rows).',
    'delta-rs DELETE is copy-on-write (it writes no deletion vectors): both of our DELETE lines compare with it.',
    'files +/-: add and remove actions of the commit (a file given a deletion vector is removed and added again); new MiB: bytes of new data files.',
    'codec: the column chunk codecs of the first new data file, read from its footer.',
    'rows after: the result table counted by the other engine (ours by delta-rs through DataFusion, delta-rs\' by ours).',
  ].join('\n') + '\n');

  const problems = results.flatMap((r) => writerDisagreements(r).map((p) => `(${r.writerCase.id}) ${p}`));
  for (const problem of problems) process.stdout.write(`MISMATCH ${problem}\n`);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  const file = join(RESULTS_DIR, `writer-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverage: { before: loadBefore, after: loadavg()[0] } },
    commit: gitHead(),
    scale,
    sizes,
    cases: results.map((r) => ({
      id: r.writerCase.id, title: r.writerCase.title, expected: r.writerCase.expected,
      contenders: [...r.runs.entries()].map(([c, runs]) => ({ label: c.label, engine: c.engine, summary: summariseRuns(runs), runs })),
    })),
    mismatches: problems,
  }, null, 2)}\n`);
  log(`results written to ${file}`);

  if (values.profile) for (const writerCase of cases) await profileCase(writerCase, targets, children);
  removeWorkTables();
  log(`writer bench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
