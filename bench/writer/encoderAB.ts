/**
 * The flat encoder of two (or more) source trees on the writer bench's rows, in one process, runs
 * alternating: CPU differences of 10-15% that `npm run bench:writer` cannot show on a loaded
 * machine (delta-rs' own CPU spreads by 50% there) show here.
 *
 *   node --expose-gc --import tsx bench/writer/encoderAB.ts [--rows 2000000] [--runs 7] <tree> <tree> ...
 *
 * A tree is a checkout's root (e.g. a `git archive` copy of a commit); the rows come from this one.
 * Prints per tree the median and min of our main thread's CPU, of the process's CPU (ZSTD on
 * libuv's threads included), the median of GC pauses, and the file size.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { RecordBatch } from 'apache-arrow';
import { mainThreadCpuMs } from './threadCpu';
import { sequentialBatches } from './writerData';

interface Encoder { write(batch: RecordBatch): Promise<void>; finish(): Promise<Uint8Array> }
type EncoderFactory = (schema: RecordBatch['schema'], options: { compression: 'zstd' }) => Encoder | undefined;

async function encoderOf(tree: string): Promise<EncoderFactory> {
  const module: unknown = await import(`${tree}/src/parquet/flatEncoder/flatParquetEncoder.ts`);
  const factory = typeof module === 'object' && module !== null ? (module as Record<string, unknown>).flatParquetEncoder : undefined;
  if (typeof factory !== 'function') throw new Error(`${tree} has no flatParquetEncoder`);
  return factory as EncoderFactory;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { rows: { type: 'string', default: '2000000' }, runs: { type: 'string', default: '7' } }, allowPositionals: true });
  if (positionals.length === 0) throw new Error('name one or more source trees');
  const factories = await Promise.all(positionals.map(encoderOf));
  const batches = sequentialBatches(Number(values.rows));
  const schema = batches[0]?.schema;
  if (!schema) throw new Error('--rows must be positive');
  const gc = (globalThis as { gc?: () => void }).gc;
  let gcMs = 0;
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) gcMs += entry.duration; }).observe({ entryTypes: ['gc'] });
  const stats = positionals.map(() => ({ main: [] as number[], cpu: [] as number[], gc: [] as number[], bytes: 0 }));
  for (let run = 0; run < Number(values.runs); run++) {
    for (const [k, factory] of factories.entries()) {
      gc?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
      gcMs = 0;
      const cpuBefore = process.cpuUsage();
      const mainBefore = mainThreadCpuMs();
      const encoder = factory(schema, { compression: 'zstd' });
      if (!encoder) throw new Error('the flat encoder does not take these rows here (no native ZSTD?)');
      for (const batch of batches) await encoder.write(batch);
      const file = await encoder.finish();
      const cpu = process.cpuUsage(cpuBefore);
      const stat = stats[k] as (typeof stats)[number];
      stat.main.push(mainThreadCpuMs() - mainBefore);
      stat.cpu.push((cpu.user + cpu.system) / 1000);
      stat.gc.push(gcMs);
      stat.bytes = file.length;
    }
  }
  for (const [k, tree] of positionals.entries()) {
    const s = stats[k] as (typeof stats)[number];
    process.stdout.write(`${tree}: main thread median ${median(s.main)} ms (min ${Math.min(...s.main)}), process median ${median(s.cpu).toFixed(0)} ms (min ${Math.min(...s.cpu).toFixed(0)}), GC pauses median ${median(s.gc).toFixed(0)} ms, ${(s.bytes / 2 ** 20).toFixed(2)} MiB\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
