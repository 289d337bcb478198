/**
 * CONVERT TO DELTA benchmark of issue 6: ours against delta-rs's `convert_to_deltalake` on hard-linked
 * copies of the same Hive-partitioned folder of Parquet files written by pyarrow, in the same run,
 * each conversion in a fresh process, engines alternating: wall time, CPU time, peak RSS; ours both as
 * convertToDelta in a bundled child (timed in-process, like delta-rs) and as the whole `lakehouse
 * convert` CLI process (module loading included, measured by a preload). Then both
 * tables are checked against each other: delta-rs reads the same rows from both, and both logs hold
 * the same files with the same numRecords and id bounds (by our reader).
 *
 *   node --import tsx bench/convert.ts                  10,000 files, 3 runs each
 *   node --import tsx bench/convert.ts --files 2000 --runs 1
 *   node --import tsx bench/convert.ts --profile        one profiled run of ours, hot spots on stderr, no peer
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { parseFileStats } from '../src/delta/stats/fileStats';
import { DeltaTable } from '../src/delta/table';
import { CACHE_DIR, REPO_ROOT, RESULTS_DIR, peerPython } from './benchPaths';
import { hotSpots, inclusiveSpots } from './cpuProfile';
import { buildOursChild } from './oursChildBundle';

const run = promisify(execFile);
const log = (line: string): void => { process.stderr.write(`${line}\n`); };

interface Measured { ms: number; cpuMs: number; peakKiB: number; baselineKiB: number }

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    profile: { type: 'boolean', default: false },
  },
});
const files = Number(values.files);
const runs = Number(values.runs);
const concurrency = Number(values.concurrency);
const base = join(CACHE_DIR, 'convert', `pyarrow-${files}`);
if (!existsSync(join(base, 'done'))) {
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  log(`generating ${files} Parquet files with pyarrow in ${base}`);
  await run(peerPython(), [join(REPO_ROOT, 'bench', 'convertPeer.py'), 'generate', base, String(files)]);
  writeFileSync(join(base, 'done'), '');
}

/** A fresh copy of the folder: hard links, so both engines convert byte-identical files and nothing is copied. */
async function copyOf(name: string): Promise<string> {
  const dir = join(CACHE_DIR, 'convert', 'work', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  await run('cp', ['-al', base, dir]);
  rmSync(join(dir, 'done'));
  return dir;
}

// Bundled like the CLI, so that no TypeScript compilation is timed.
const child = await buildOursChild('bench/convertChild.ts', 'convert-child');
const cli = await buildOursChild('src/cli/main.ts', 'cli');
const peakOnExit = await buildOursChild('bench/peakOnExit.ts', 'peak-on-exit');

async function ours(dir: string, footerConcurrency: number, nodeFlags: readonly string[] = []): Promise<Measured> {
  const { stdout } = await run(process.execPath, [...nodeFlags, child, dir, String(footerConcurrency)], { cwd: REPO_ROOT, maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as Measured;
}

/** `lakehouse convert` as a user runs it: wall time of the whole process, its CPU and peak RSS from the preload. */
async function oursCli(dir: string): Promise<Measured> {
  const started = performance.now();
  const { stderr } = await run(process.execPath, ['--require', peakOnExit, cli, 'convert', dir, '--partition-by', 'day STRING', '--json'], { cwd: REPO_ROOT, maxBuffer: 1 << 24 });
  const ms = performance.now() - started;
  const line = stderr.split('\n').find((text) => text.startsWith('{"peakOnExit"'));
  if (!line) throw new Error(`the CLI reported no peak RSS: ${stderr}`);
  const { baselineKiB, peakKiB, cpuMs } = JSON.parse(line) as Measured;
  return { ms, cpuMs, peakKiB, baselineKiB };
}

/** One conversion of ours under --cpu-prof: where its CPU time goes, by our functions and by self time. */
async function profileOurs(): Promise<void> {
  const dir = join(CACHE_DIR, 'profiles', 'convert');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const measured = await ours(await copyOf('profile'), concurrency, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const profile = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!profile) throw new Error(`node wrote no .cpuprofile into ${dir}`);
  log(`CPU profile of ours (${JSON.stringify(measured)}): ${join(dir, profile)}`);
  for (const spot of inclusiveSpots(join(dir, profile), child, 20)) {
    log(`  ${spot.totalMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}`);
  }
  log('  self time (hottest lines):');
  for (const spot of hotSpots(join(dir, profile), child, 20)) {
    log(`  ${spot.selfMs.toFixed(0).padStart(6)} ms ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.functionName}  ${spot.location}${spot.hotLines.length > 0 ? `  hot: ${spot.hotLines.join(', ')}` : ''}`);
  }
}

if (values.profile) {
  await profileOurs();
  process.exit(0);
}

async function deltaRs(dir: string): Promise<Measured> {
  const { stdout } = await run(peerPython(), [join(REPO_ROOT, 'bench', 'convertPeer.py'), 'convert', dir], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Measured;
}

function median(samples: readonly Measured[]): Measured {
  const pick = (key: keyof Measured): number => {
    const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  };
  return { ms: pick('ms'), cpuMs: pick('cpuMs'), peakKiB: pick('peakKiB'), baselineKiB: pick('baselineKiB') };
}

/** Per file path: numRecords and the id bounds, as our reader parses each table's log. */
async function fileSummaries(dir: string): Promise<Map<string, string>> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  const out = new Map<string, string>();
  for (const file of snapshot.files()) {
    const stats = parseFileStats(file.stats, snapshot.schema, 'none');
    out.set(decodeURIComponent(file.path), `${stats?.numRecords} ${String(stats?.min(['id']))} ${String(stats?.max(['id']))} ${JSON.stringify(file.partitionValues)}`);
  }
  return out;
}

const samples: { ours: Measured[]; deltaRs: Measured[]; oursCli: Measured[] } = { ours: [], deltaRs: [], oursCli: [] };
let oursDir = '';
let peerDir = '';
for (let i = 0; i < runs; i++) {
  // Alternate who goes first: the machine is shared and its load drifts.
  const order = i % 2 === 0 ? ['ours', 'deltaRs', 'oursCli'] as const : ['oursCli', 'deltaRs', 'ours'] as const;
  for (const engine of order) {
    if (engine === 'ours') {
      oursDir = await copyOf('ours');
      samples.ours.push(await ours(oursDir, concurrency));
    } else if (engine === 'oursCli') {
      samples.oursCli.push(await oursCli(await copyOf('cli')));
    } else {
      peerDir = await copyOf('deltars');
      samples.deltaRs.push(await deltaRs(peerDir));
    }
    log(`run ${i + 1} ${engine}: ${JSON.stringify(samples[engine].at(-1))}`);
  }
}

const compared = JSON.parse((await run(peerPython(), [join(REPO_ROOT, 'bench', 'convertPeer.py'), 'compare', oursDir, peerDir], { maxBuffer: 1 << 24 })).stdout) as { rows: [number, number]; equal: boolean };
const [oursFiles, peerFiles] = [await fileSummaries(oursDir), await fileSummaries(peerDir)];
const statsDiffer = [...oursFiles].filter(([path, summary]) => peerFiles.get(path) !== summary).map(([path]) => path);

const o = median(samples.ours);
const p = median(samples.deltaRs);
const c = median(samples.oursCli);
const row = (label: string, m: Measured): string =>
  `  ${label.padEnd(24)} ${(m.ms / 1000).toFixed(2).padStart(7)} s  CPU ${(m.cpuMs / 1000).toFixed(2).padStart(6)} s  peak RSS ${(m.peakKiB / 1024).toFixed(0).padStart(4)} MiB (start ${(m.baselineKiB / 1024).toFixed(0)})`;
const report = [
  `CONVERT TO DELTA of ${files} pyarrow Parquet files (10 Hive partitions), median of ${runs}:`,
  row('ours', o),
  row('delta-rs', p),
  `  ratio ours/delta-rs: time ${(o.ms / p.ms).toFixed(2)}x, CPU ${(o.cpuMs / p.cpuMs).toFixed(2)}x, peak RSS ${(o.peakKiB / p.peakKiB).toFixed(2)}x`,
  row('ours, CLI whole process', c),
  `  ratio CLI/delta-rs peak RSS ${(c.peakKiB / p.peakKiB).toFixed(2)}x (the CLI's time and CPU include starting node and loading modules)`,
  `  same rows read by delta-rs from both tables: ${compared.equal ? 'yes' : 'NO'} (${compared.rows.join(' / ')} rows); `
    + `files ${oursFiles.size} / ${peerFiles.size}, numRecords and id bounds differing: ${statsDiffer.length}${statsDiffer.length ? ` (e.g. ${statsDiffer[0]})` : ''}`,
];
process.stdout.write(`${report.join('\n')}\n`);
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, `convert-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`),
  `${JSON.stringify({ files, runs, concurrency, samples, compared, statsDiffer: statsDiffer.length }, null, 2)}\n`);
if (!compared.equal || oursFiles.size !== peerFiles.size || statsDiffer.length > 0) process.exitCode = 1;
