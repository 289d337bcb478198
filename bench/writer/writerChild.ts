/**
 * Child process for our engine in the writer benchmark: builds the job's input (not timed), runs one
 * write, MERGE, DELETE or verification count, and prints a WriterChildResult line. bench/writerRun.ts
 * bundles it like the CLI (esbuild, CommonJS), so the measured code is the shipped code.
 */
import type { RecordBatch } from 'apache-arrow';
import { DeltaTable } from '../../src/delta/table';
import { deleteRows } from '../../src/delta/write/deleteRows';
import { mergeRows } from '../../src/delta/write/mergeRows';
import { writeTable } from '../../src/delta/write/writeTable';
import { sizeThreadPool } from '../../src/cli/threadPoolSize';
import { procStatusKiB } from '../procStatus';
import { mainThreadCpuMs } from './threadCpu';
import { mergeSourceBatches, sequentialBatches } from './writerData';
import { isWriterJob, type WriterChildResult, type WriterJob } from './writerJob';

type JobOutcome = Omit<WriterChildResult, 'ms' | 'cpuMs' | 'mainCpuMs' | 'baselineKiB' | 'peakKiB'>;

function prepare(job: WriterJob): RecordBatch[] {
  if (job.op === 'append') return sequentialBatches(job.rows);
  if (job.op === 'merge') return mergeSourceBatches(job.targetRows, job.sourceRows);
  return [];
}

async function countRows(table: string, where?: string): Promise<number> {
  const snapshot = await (await DeltaTable.open(table)).snapshot();
  let rows = 0;
  for await (const batch of snapshot.scan({ columns: ['id'], ...(where === undefined ? {} : { where }) }).batches()) rows += batch.numRows;
  return rows;
}

async function operate(job: WriterJob, input: RecordBatch[]): Promise<JobOutcome> {
  switch (job.op) {
    case 'append': {
      const summary = await writeTable(job.table, input, { mode: 'error' });
      return { rowsAdded: summary.rowsAdded };
    }
    case 'merge': {
      const summary = await mergeRows(job.table, input, { key: ['id'] });
      return { rowsUpdated: summary.rowsUpdated, rowsInserted: summary.rowsInserted };
    }
    case 'delete': {
      const summary = await deleteRows(job.table, job.where, { deletionVectors: job.deletionVectors });
      return { rowsDeleted: summary.rowsRemoved };
    }
    case 'count':
      return { rows: await countRows(job.table), matching: await countRows(job.table, job.where) };
  }
}

async function main(): Promise<void> {
  const job: unknown = JSON.parse(process.argv[2] ?? 'null');
  if (!isWriterJob(job)) throw new Error(`not a writer bench job: ${process.argv[2]}`);
  // As the CLI does for the command (src/cli/main.ts), so the bench measures the product's pool.
  sizeThreadPool(job.op === 'append' ? 'write' : job.op);
  const input = prepare(job);
  // Generating the input leaves millions of JS strings behind (the Utf8 columns are built from them):
  // collected here, not inside the timed operation (bench/writerRun.ts starts this child with --expose-gc).
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc === 'function') gc();
  const baselineKiB = procStatusKiB('VmRSS');
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuMs();
  const outcome = await operate(job, input);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const mainCpuMs = mainThreadCpuMs() - mainBefore;
  const result: WriterChildResult = { ...outcome, ms, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs, baselineKiB, peakKiB: procStatusKiB('VmHWM') };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
