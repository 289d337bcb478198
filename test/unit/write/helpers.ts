import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordBatch, type Table, tableFromArrays } from 'apache-arrow';
import { DeltaTable } from '../../../src/delta/table';
import { toPlainRows } from './plainRows';

/** A fresh temp directory for one test; removed by the returned cleanup. */
export async function tempTableDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-write-'));
  return { dir: join(root, 'table'), cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Runs `fn` on a fresh table directory (not yet created), removed afterwards. */
export async function withTempTable(fn: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempTableDir();
  try {
    await fn(dir);
  } finally {
    await cleanup();
  }
}

export function batchesOf(columns: Parameters<typeof tableFromArrays>[0]): RecordBatch[] {
  const table: Table = tableFromArrays(columns);
  return table.batches;
}

/** Every row of the latest version (or `version`), as plain JS objects, sorted by `sortKey`. */
export async function readRows(dir: string, sortKey: string, version?: number): Promise<Record<string, unknown>[]> {
  const table = await DeltaTable.open(dir);
  const snapshot = await table.snapshot(version === undefined ? {} : { version });
  const batches = await snapshot.scan().collect();
  const rows = batches.flatMap((b) => toPlainRows(b));
  return rows.sort((a, b) => compareKeys(a[sortKey], b[sortKey]));
}

function compareKeys(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number) < (b as number) ? -1 : 1;
}
