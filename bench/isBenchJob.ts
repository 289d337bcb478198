import type { BenchJob } from './benchJob';

export function isBenchJob(value: unknown): value is BenchJob {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Record<string, unknown>;
  if (typeof job.path !== 'string') return false;
  if (job.op === 'load') return true;
  if (job.op !== 'scan') return false;
  if (job.range === undefined) return true;
  const range = job.range as Record<string, unknown> | null;
  return typeof range === 'object' && range !== null && typeof range.column === 'string'
    && typeof range.min === 'number' && typeof range.maxExclusive === 'number';
}
