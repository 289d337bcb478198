import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CACHE_DIR, REPO_ROOT, peerPython } from '../benchPaths';
import type { StartTable } from './writerCases';

const execFileAsync = promisify(execFile);

/** Bump when scripts/bench-writer-peer.py changes what `generate` writes, so cached tables are regenerated. */
const GENERATOR_VERSION = 1;

export const WRITER_CACHE_DIR = join(CACHE_DIR, 'writer');
// One per bench process: two benches run at once on a shared machine must not delete each other's tables.
const WORK_DIR = join(WRITER_CACHE_DIR, `work-${process.pid}`);

export interface TargetTables { plain: string; dv: string }

/**
 * The MERGE/DELETE target of `rows` rows written by delta-rs, and the same table with deletion
 * vectors enabled, generating both when the cache lacks them (generation is not measured).
 */
export async function ensureTargetTables(rows: number, log: (line: string) => void): Promise<TargetTables> {
  const path = join(WRITER_CACHE_DIR, `target-${rows}-g${GENERATOR_VERSION}`);
  const tables = { plain: join(path, 'plain'), dv: join(path, 'dv') };
  if (existsSync(path)) return tables;
  const partial = `${path}.partial`;
  // A run killed mid-generation leaves a partial table; it is never reused.
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(`generating the ${rows.toLocaleString('en-US')}-row target with delta-rs (cached for later runs)…`);
  const started = Date.now();
  const child = execFileAsync(peerPython(), [join(REPO_ROOT, 'scripts', 'bench-writer-peer.py'), 'generate', partial, JSON.stringify({ rows })],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  child.child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') log(`  ${line}`);
  });
  await child;
  renameSync(partial, path);
  log(`generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return tables;
}

/**
 * A fresh table for one measured run: a path with nothing there (`none`), or a copy of a cached
 * target. Data files are hard-linked (no writer changes an existing data file); the log is copied,
 * since `_last_checkpoint` may be rewritten in place.
 */
export function workTable(start: StartTable, targets: TargetTables | undefined, name: string): string {
  const path = join(WORK_DIR, name);
  rmSync(path, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  if (start === 'none') return path;
  if (!targets) throw new Error(`${name}: no target table was prepared`);
  copyTable(targets[start], path);
  return path;
}

export function removeWorkTables(): void {
  rmSync(WORK_DIR, { recursive: true, force: true });
}

function copyTable(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '_delta_log') {
        mkdirSync(target);
        for (const log of readdirSync(source)) copyFileSync(join(source, log), join(target, log));
      } else {
        copyTable(source, target);
      }
    } else {
      linkSync(source, target);
    }
  }
}
