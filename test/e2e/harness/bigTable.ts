import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays, type RecordBatch } from 'apache-arrow';
import { writeTable } from '../../../src/delta/write/writeTable';
import { repoRoot } from './e2eEnvironment';

export const BIG_TABLE_ROWS = 10_000_000;
const BATCH_ROWS = 1_000_000;
const REGIONS = ['EU', 'US', 'APAC', 'LATAM'];

/**
 * A 10-million-row Delta table written once by our own writer and cached under .cache/ (a folder
 * holding only it, to add as a lakehouse location). Rows: id 0..N-1, amount = id / 100, region
 * cycling through four values, so any row's values are known from its id.
 */
export async function bigTable(): Promise<{ folder: string; location: string }> {
  const folder = join(repoRoot, '.cache', 'e2e-lakehouse');
  const location = join(folder, 'big');
  if (existsSync(join(location, '_delta_log'))) return { folder, location };
  mkdirSync(folder, { recursive: true });
  const staging = join(repoRoot, '.cache', `big-staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  await writeTable(staging, batches(), { mode: 'error' });
  // Renamed when complete, so an interrupted run never leaves a half-written cached table.
  renameSync(staging, location);
  return { folder, location };
}

function* batches(): Generator<RecordBatch> {
  for (let start = 0; start < BIG_TABLE_ROWS; start += BATCH_ROWS) {
    const ids = BigInt64Array.from({ length: BATCH_ROWS }, (_, i) => BigInt(start + i));
    yield* tableFromArrays({
      id: ids,
      amount: Float64Array.from({ length: BATCH_ROWS }, (_, i) => (start + i) / 100),
      region: Array.from({ length: BATCH_ROWS }, (_, i) => REGIONS[(start + i) % REGIONS.length] as string),
    }).batches;
  }
}

export function bigTableRow(id: number): string[] {
  return [String(id), String(id / 100), REGIONS[id % REGIONS.length] as string];
}
