/**
 * Child process for our engine: runs one BenchJob against the table and prints a ChildResult line.
 * bench/run.ts bundles this file as scripts/build.mjs bundles the CLI (esbuild, CommonJS), so the
 * measured code is the shipped code.
 */
import { DeltaTable } from '../src/delta/table';
import { isBenchJob } from './isBenchJob';
import { rangePredicate, type BenchJob, type ChildResult } from './benchJob';
import { procStatusKiB } from './procStatus';

type JobOutcome = Pick<ChildResult, 'files' | 'rows' | 'filesRead'>;

async function runJob(job: BenchJob): Promise<JobOutcome> {
  const snapshot = await (await DeltaTable.open(job.path)).snapshot();
  if (job.op === 'load') return { files: snapshot.fileCount };
  const scan = snapshot.scan(job.range ? { where: rangePredicate(job.range) } : {});
  let rows = 0;
  for await (const batch of scan.batches()) rows += batch.numRows;
  return { files: scan.metrics.filesInTable, rows, filesRead: scan.metrics.filesRead };
}

async function main(): Promise<void> {
  const job: unknown = JSON.parse(process.argv[2] ?? 'null');
  if (!isBenchJob(job)) throw new Error(`not a bench job: ${process.argv[2]}`);
  const baselineKiB = procStatusKiB('VmRSS');
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const outcome = await runJob(job);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const peakKiB = procStatusKiB('VmHWM');
  const result: ChildResult = { ...outcome, ms, cpuMs: (cpu.user + cpu.system) / 1000, baselineKiB, peakKiB };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
