/**
 * OPTIMIZE benchmark of issue 6: our compaction and Z-order against delta-rs's
 * (`dt.optimize.compact()`, `dt.optimize.z_order([...])`) on copies of the same tables in the same
 * run, each engine in a fresh process: wall time, CPU time (user + system, all threads), peak RSS,
 * and afterwards the fraction of files the same range and point queries read (counted by our
 * engine's stats skipping on both results, since both write min/max statistics).
 *
 *   node --import tsx bench/optimize.ts                         10,000 small files; 10M rows
 *   node --import tsx bench/optimize.ts --files 2000 --rows 2000000   a quicker run
 *   node --import tsx bench/optimize.ts --only compact          one of compact, zorder (compaction runs
 *                                                               ours twice: as is and with parallelDecode)
 *   node --import tsx bench/optimize.ts --only zorder --profile one profiled run of ours, no peer
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { DeltaTable } from '../src/delta/table';
import { writeTable } from '../src/delta/write/writeTable';
import type { OptimizeResult } from '../src/ops/optimize/optimizePlan';
import { rowsBatch } from '../test/unit/optimize/optimizeTables';
import { CACHE_DIR, REPO_ROOT, RESULTS_DIR, peerPython } from './benchPaths';
import { hotSpots, inclusiveSpots } from './cpuProfile';
import { buildOursChild } from './oursChildBundle';

const run = promisify(execFile);
const MIB = 1024 * 1024;
const log = (line: string): void => { process.stderr.write(`${line}\n`); };

interface Measured { ms: number; cpuMs: number; mainCpuMs?: number; peakKiB: number; baselineKiB: number; filesAfter: number; rangeRead: Record<string, number>; pointRead: Record<string, number> }

async function buildTable(dir: string, files: number, rowsPerFile: number): Promise<void> {
  if (existsSync(join(dir, '_delta_log'))) return;
  rmSync(dir, { recursive: true, force: true });
  log(`building ${dir}: ${files} files of ${rowsPerFile} rows`);
  async function* batches(): AsyncGenerator<ReturnType<typeof rowsBatch>> {
    for (let f = 0; f < files; f++) yield rowsBatch(f * rowsPerFile, rowsPerFile, 'a');
  }
  // A 1-byte target closes a file after every batch: one file per batch, all in one commit.
  await writeTable(dir, batches(), { targetFileSize: 1 });
}

/** Fractions of files read by 1%-of-domain range queries and point queries on x and y (uniform over 0..999,999). */
async function skipping(dir: string): Promise<Pick<Measured, 'filesAfter' | 'rangeRead' | 'pointRead'>> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  const files = snapshot.fileCount;
  const rangeRead: Record<string, number> = {};
  const pointRead: Record<string, number> = {};
  for (const column of ['x', 'y']) {
    let range = 0;
    let point = 0;
    const probes = 20;
    for (let i = 0; i < probes; i++) {
      const low = i * 49_500 + 12_345;
      range += snapshot.scan({ where: `${column} >= ${low} AND ${column} < ${low + 10_000}` }).plan().length;
      point += snapshot.scan({ where: `${column} = ${low}` }).plan().length;
    }
    rangeRead[column] = range / (probes * files);
    pointRead[column] = point / (probes * files);
  }
  return { filesAfter: files, rangeRead, pointRead };
}

// Bundled like the CLI, so that no TypeScript compilation is timed.
const child = await buildOursChild('bench/optimizeChild.ts', 'optimize-child');

async function ours(dir: string, options: Record<string, unknown>, nodeFlags: readonly string[] = []): Promise<Measured> {
  const { stdout } = await run(process.execPath, [...nodeFlags, child, dir, JSON.stringify(options)], { maxBuffer: 1 << 28, cwd: REPO_ROOT });
  const out = JSON.parse(stdout) as { result: OptimizeResult; ms: number; cpuMs: number; mainCpuMs: number; baselineKiB: number; peakKiB: number };
  return { ms: out.ms, cpuMs: out.cpuMs, mainCpuMs: out.mainCpuMs, peakKiB: out.peakKiB, baselineKiB: out.baselineKiB, ...(await skipping(dir)) };
}

/** One run of ours under --cpu-prof: where its CPU time goes, by our functions and by self time. */
async function profileOurs(name: string, dir: string, options: Record<string, unknown>): Promise<void> {
  const profiles = join(CACHE_DIR, 'profiles', `optimize-${name}`);
  rmSync(profiles, { recursive: true, force: true });
  mkdirSync(profiles, { recursive: true });
  const measured = await ours(dir, options, ['--cpu-prof', `--cpu-prof-dir=${profiles}`]);
  const profile = readdirSync(profiles).find((file) => file.endsWith('.cpuprofile'));
  if (!profile) throw new Error(`node wrote no .cpuprofile into ${profiles}`);
  log(`CPU profile of ours, ${name} (${(measured.ms / 1000).toFixed(1)} s, CPU ${(measured.cpuMs / 1000).toFixed(1)} s): ${join(profiles, profile)}`);
  for (const spot of inclusiveSpots(join(profiles, profile), child, 25)) {
    log(`  ${spot.totalMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}`);
  }
  log('  self time (hottest lines):');
  for (const spot of hotSpots(join(profiles, profile), child, 20)) {
    log(`  ${spot.selfMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}${spot.hotLines.length > 0 ? `  hot: ${spot.hotLines.join(', ')}` : ''}`);
  }
}

async function deltaRs(dir: string, args: string[]): Promise<Measured> {
  const { stdout } = await run(peerPython(), [join(REPO_ROOT, 'bench', 'optimizePeer.py'), ...args.slice(0, 1), dir, ...args.slice(1)], { maxBuffer: 1 << 24 });
  const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ms: number; cpuMs: number; peakKiB: number; baselineKiB: number };
  return { ms: out.ms, cpuMs: out.cpuMs, peakKiB: out.peakKiB, baselineKiB: out.baselineKiB, ...(await skipping(dir)) };
}

function copyOf(base: string, name: string): string {
  const dir = join(CACHE_DIR, 'optimize', 'work', name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(base, dir, { recursive: true });
  return dir;
}

function line(label: string, m: Measured): string {
  const pct = (r: Record<string, number>): string => Object.entries(r).map(([c, v]) => `${c} ${(v * 100).toFixed(1)}%`).join(', ');
  return `  ${label.padEnd(9)} ${(m.ms / 1000).toFixed(1).padStart(7)} s  CPU ${(m.cpuMs / 1000).toFixed(1).padStart(6)} s${m.mainCpuMs === undefined ? '' : ` (main thread ${(m.mainCpuMs / 1000).toFixed(1)} s)`}  peak RSS ${(m.peakKiB / 1024).toFixed(0).padStart(5)} MiB (start ${(m.baselineKiB / 1024).toFixed(0)})  files ${String(m.filesAfter).padStart(5)}  range read: ${pct(m.rangeRead)}  point read: ${pct(m.pointRead)}`;
}

function ratios(a: Measured, b: Measured): string {
  const avg = (r: Record<string, number>): number => Object.values(r).reduce((n, v) => n + v, 0) / Object.values(r).length;
  return `  ratio ours/delta-rs: time ${(a.ms / b.ms).toFixed(2)}x, CPU ${(a.cpuMs / b.cpuMs).toFixed(2)}x, peak RSS ${(a.peakKiB / b.peakKiB).toFixed(2)}x, range files read ${(avg(a.rangeRead) / avg(b.rangeRead)).toFixed(2)}x`;
}

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '10000' },
    rows: { type: 'string', default: '10000000' },
    'target-size': { type: 'string', default: String(16 * MIB) },
    'memory-budget': { type: 'string', default: String(512 * MIB) },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    /** With --profile: profile the compaction with parallelDecode. */
    parallel: { type: 'boolean', default: false },
  },
});
const only = values.only;
if (only !== undefined && only !== 'compact' && only !== 'zorder') throw new Error(`--only ${only}: expected compact or zorder`);
const smallFiles = Number(values.files);
const rows = Number(values.rows);
const target = Number(values['target-size']);
const budget = Number(values['memory-budget']);
const base = join(CACHE_DIR, 'optimize');
mkdirSync(base, { recursive: true });
const smallTable = join(base, `small-${smallFiles}`);
const bigTable = join(base, `rows-${rows}`);
await buildTable(smallTable, smallFiles, 100);
await buildTable(bigTable, Math.ceil(rows / 100_000), 100_000);

const compactOptions = { targetFileSize: target, memoryBudget: budget };
// delta-rs wrote 12 files from the 10M-row table at 16 MiB in every run so far: the profile uses the target that gives ours as many.
const zOrderOptions = (targetFileSize: number): Record<string, unknown> => ({ zOrderBy: ['x', 'y'], targetFileSize, memoryBudget: budget });
const inputBytes = (await (await DeltaTable.open(bigTable)).snapshot()).files().reduce((n, f) => n + f.size, 0);
if (values.profile) {
  if (only !== 'zorder') await profileOurs('compact', copyOf(smallTable, 'compact-ours'), { ...compactOptions, ...(values.parallel ? { parallelDecode: true } : {}) });
  if (only !== 'compact') await profileOurs('zorder', copyOf(bigTable, 'zorder-ours'), zOrderOptions(Math.ceil(inputBytes / 12)));
  process.exit(0);
}

const report: string[] = [];
const results: Record<string, { ours: Measured; deltaRs: Measured }> = {};
if (only !== 'zorder') {
  log(`compaction of ${smallFiles} files`);
  const compactOurs = await ours(copyOf(smallTable, 'compact-ours'), compactOptions);
  const compactPeer = await deltaRs(copyOf(smallTable, 'compact-deltars'), ['compact', String(target)]);
  // parallelDecode: the Parquet worker pool decodes part of the small files (a second core, more memory).
  const compactParallel = await ours(copyOf(smallTable, 'compact-ours'), { ...compactOptions, parallelDecode: true });
  results.compact = { ours: compactOurs, deltaRs: compactPeer };
  results.compactParallel = { ours: compactParallel, deltaRs: compactPeer };
  report.push(`OPTIMIZE (compaction) of ${smallFiles} small files, target ${target / MIB} MiB (load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}):`,
    line('ours', compactOurs), line('delta-rs', compactPeer), ratios(compactOurs, compactPeer),
    line('ours par', compactParallel), ratios(compactParallel, compactPeer).replace('ratio ours/', 'ratio ours parallelDecode/'));
}
if (only !== 'compact') {
  log(`Z-order of ${rows} rows`);
  const zPeer = await deltaRs(copyOf(bigTable, 'zorder-deltars'), ['zorder', String(target), 'x,y']);
  // Skipping depends on the file count, and the engines size files differently (delta-rs by its
  // in-memory estimate, ours by input Parquet bytes): give ours the target that yields delta-rs's count.
  const matchedTarget = Math.ceil(inputBytes / zPeer.filesAfter);
  const zOurs = await ours(copyOf(bigTable, 'zorder-ours'), zOrderOptions(matchedTarget));
  results.zOrder = { ours: zOurs, deltaRs: zPeer };
  report.push(`Z-ORDER BY x, y of ${rows} rows; delta-rs target ${target / MIB} MiB, ours ${(matchedTarget / MIB).toFixed(1)} MiB (same file count); our memory budget ${budget / MIB} MiB:`,
    line('ours', zOurs), line('delta-rs', zPeer), ratios(zOurs, zPeer));
}
const text = report.join('\n');
process.stdout.write(`${text}\n`);
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, `optimize-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`),
  `${JSON.stringify({ smallFiles, rows, target, budget, ...results }, null, 2)}\n`);
