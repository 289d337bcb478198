/**
 * Our side of bench/convert.ts: one CONVERT TO DELTA in a fresh process, timed in-process, with its
 * CPU time and the process's memory figures.
 * Usage (bundled by bench/convert.ts): node convert-child.cjs <dir> <concurrency>
 */
import { convertToDelta } from '../src/ops/convert/convertToDelta';
import { procStatusKiB } from './procStatus';

async function main(): Promise<void> {
  const [dir, concurrency] = process.argv.slice(2);
  if (!dir || !concurrency) throw new Error('usage: convertChild.ts <dir> <concurrency>');
  const baselineKiB = procStatusKiB('VmRSS');
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await convertToDelta(dir, { concurrency: Number(concurrency), partitionBy: 'day STRING' });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, baselineKiB, peakKiB: procStatusKiB('VmHWM'), files: result.files, rows: result.rows })}\n`);
}

// No top-level await: the child is bundled to CommonJS like the CLI (bench/oursChildBundle.ts).
void main();
