import { execFile } from 'node:child_process';
import { existsSync, rmSync, renameSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CACHE_DIR, REPO_ROOT, peerPython } from './benchPaths';

const execFileAsync = promisify(execFile);

/** Bump when scripts/bench-generate.py changes what it writes, so cached tables are regenerated. */
const GENERATOR_VERSION = 1;

export type TableKind = 'commits' | 'files' | 'wide' | 'sorted';

export interface TableSpec { kind: TableKind; params: Record<string, number> }

/**
 * The generated table's path, generating it first when the cache lacks it. The cache key is the
 * kind and every parameter, so changing a case's size never reuses a table of another size.
 */
export async function ensureTable(spec: TableSpec, log: (line: string) => void): Promise<string> {
  const key = `${spec.kind}-${Object.values(spec.params).join('x')}-g${GENERATOR_VERSION}`;
  const path = join(CACHE_DIR, key);
  if (existsSync(path)) return path;
  const partial = `${path}.partial`;
  // A run killed mid-generation leaves a partial table; it is never reused.
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(CACHE_DIR, { recursive: true });
  log(`generating ${key} with delta-rs (cached for later runs)…`);
  const started = Date.now();
  const child = execFileAsync(peerPython(), [join(REPO_ROOT, 'scripts', 'bench-generate.py'), spec.kind, partial, JSON.stringify(spec.params)],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  child.child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') log(`  ${line}`);
  });
  await child;
  renameSync(partial, path);
  log(`generated ${key} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return path;
}
