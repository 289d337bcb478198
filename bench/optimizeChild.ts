/**
 * Runs one OPTIMIZE in a fresh process and prints its result with its CPU time and the process's
 * memory figures, so a benchmark measures this operation and nothing that ran before it.
 * Usage (bundled by bench/optimize.ts): node optimize-child.cjs <table> '<RunOptimizeOptions as JSON>'
 */
import { DeltaTable } from '../src/delta/table';
import type { RunOptimizeOptions } from '../src/ops/optimize/runOptimize';
import { runOptimize } from '../src/ops/optimize/runOptimize';
import { readFileSync } from 'node:fs';
import { procStatusKiB } from './procStatus';

/**
 * CPU time of the main thread alone, in ms (utime + stime of /proc/self/task/<pid>/stat, 10 ms
 * ticks): the critical path of a run whose worker overlaps it, which the process's CPU time hides.
 */
function mainThreadCpuMs(): number {
  // Fields after the command name (in parentheses, may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main(): Promise<void> {
  const [table, json] = process.argv.slice(2);
  if (!table || !json) throw new Error('usage: optimizeChild.ts <table> <options-json>');
  const options = JSON.parse(json) as RunOptimizeOptions;
  // Open once first so the baseline includes the loaded modules and the WebAssembly instance.
  await (await DeltaTable.open(table)).snapshot();
  const baselineKiB = procStatusKiB('VmRSS');
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpuMs();
  const started = performance.now();
  const result = await runOptimize(table, options);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const mainCpuMs = mainThreadCpuMs() - mainCpu;
  process.stdout.write(`${JSON.stringify({ result, ms, cpuMs: (used.user + used.system) / 1000, mainCpuMs, baselineKiB, peakKiB: procStatusKiB('VmHWM') })}\n`);
}

// No top-level await: the child is bundled to CommonJS like the CLI (bench/oursChildBundle.ts).
void main();
