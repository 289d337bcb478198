// Creates a demo lakehouse: a folder of Delta tables to browse in the extension (`npm start`) and
// to drive the e2e tests: golden tables written by Spark, taken from the shared conformance corpus
// under friendlier names (tables written by Spark, not by us, are what users open first).
// `npm start` adds the seed scenarios (scripts/seedScenarios.ts), made by our own CLI.
// Usage: node --import tsx scripts/demo-lakehouse.ts <target folder>
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const GOLDEN_DIR = resolve(import.meta.dirname, '../../shared/conformance/golden');

/** Demo table name -> golden table, and what it shows off. */
export const DEMO_TABLES = {
  /** Partitioned by `part`, deletion vectors, 16 versions with a checkpoint. */
  sales: 'dv-partitioned-with-checkpoint',
  /** Two versions: a write, then an UPDATE (time travel shows the old values). */
  customers: 'basic-with-inserts-updates',
  /** Schema evolution: a column added in version 1. */
  events: 'time-travel-schema-changes-b',
  /** Decimals of several precisions. */
  prices: 'basic-decimal-table',
} as const;

export type DemoTableName = keyof typeof DEMO_TABLES;

/** Extracts the demo tables into `target` (created; existing tables are replaced). Returns their paths. */
export function createDemoLakehouse(target: string): Record<DemoTableName, string> {
  mkdirSync(target, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'lakehouse-demo-'));
  try {
    const paths = {} as Record<DemoTableName, string>;
    for (const [name, golden] of Object.entries(DEMO_TABLES) as [DemoTableName, string][]) {
      const archive = join(GOLDEN_DIR, `${golden}.tar.zst`);
      if (!existsSync(archive)) throw new Error(`Golden table archive not found: ${archive}`);
      execFileSync('tar', ['--zstd', '-xf', archive, '-C', scratch]);
      const destination = join(target, name);
      rmSync(destination, { recursive: true, force: true });
      renameSync(join(scratch, golden, 'delta'), destination);
      paths[name] = destination;
    }
    return paths;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const target = resolve(process.argv[2] ?? 'demo-lakehouse');
  const tables = createDemoLakehouse(target);
  for (const [name, path] of Object.entries(tables)) console.log(`${name}\t${path}`);
}
