/**
 * Runs one OPTIMIZE in a fresh process and prints its result with its CPU time and the process's
 * memory figures, so a benchmark measures this operation and nothing that ran before it.
 * Usage (bundled by bench/optimize.ts): node optimize-child.cjs <table> '<RunOptimizeOptions as JSON>'
 */
import { DeltaTable } from '../src/delta/table';
import type { RunOptimizeOptions } from '../src/ops/optimize/runOptimize';
import { runOptimize } from '../src/ops/optimize/runOptimize';
import { procStatusKiB } from './procStatus';

async function main(): Promise<void> {
  const [table, json] = process.argv.slice(2);
  if (!table || !json) throw new Error('usage: optimizeChild.ts <table> <options-json>');
  const options = JSON.parse(json) as RunOptimizeOptions;
  // Open once first so the baseline includes the loaded modules and the WebAssembly instance.
  await (await DeltaTable.open(table)).snapshot();
  const baselineKiB = procStatusKiB('VmRSS');
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await runOptimize(table, options);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ result, ms, cpuMs: (used.user + used.system) / 1000, baselineKiB, peakKiB: procStatusKiB('VmHWM') })}\n`);
}

// No top-level await: the child is bundled to CommonJS like the CLI (bench/oursChildBundle.ts).
void main();
