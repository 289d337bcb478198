/**
 * Runs one OPTIMIZE in a fresh process and prints its result with the process's memory figures, so a
 * test or benchmark measures this operation's peak RSS and nothing that ran before it.
 * Usage: node --import tsx bench/optimizeChild.ts <table> '<OptimizeOptions as JSON>'
 */
import { readFileSync } from 'node:fs';
import { DeltaTable } from '../src/delta/table';
import type { RunOptimizeOptions } from '../src/ops/optimize/runOptimize';
import { runOptimize } from '../src/ops/optimize/runOptimize';

function statusKiB(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : 0;
}

const [table, json] = process.argv.slice(2);
if (!table || !json) throw new Error('usage: optimizeChild.ts <table> <options-json>');
const options = JSON.parse(json) as RunOptimizeOptions;
// Open once first so the baseline includes the loaded modules and the WebAssembly instance.
await (await DeltaTable.open(table)).snapshot();
const baselineKiB = statusKiB('VmRSS');
const started = performance.now();
const result = await runOptimize(table, options);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ result, ms, baselineKiB, peakKiB: statusKiB('VmHWM') })}\n`);
