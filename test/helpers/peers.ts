import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestContext } from 'node:test';

const execFileAsync = promisify(execFile);

/** The repository root: test/helpers/../.. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** Where peer scripts (delta-rs and Spark drivers) live. */
export const PEER_SCRIPTS_DIR = join(REPO_ROOT, 'scripts', 'peers');

/**
 * The Python that has the peers installed (`deltalake`, `pyspark`, `delta-spark`): `LAKEHOUSE_PYTHON`
 * as `.ci/run` exports it, else the repository's `.venv` that `.ci/run` creates for developers.
 */
export function findPeerPython(): string | undefined {
  const fromEnv = process.env.LAKEHOUSE_PYTHON;
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined;
  const venv = join(REPO_ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : undefined;
}

/**
 * Returns the peer Python, or reports it missing: in CI (`CI=true`) a missing peer is a broken
 * install and fails the test; on a developer's machine the test is skipped with how to fix it.
 */
export function requirePeerPython(t: TestContext): string | undefined {
  const python = findPeerPython();
  if (python !== undefined) return python;
  const message = 'missing peer: no Python with deltalake/pyspark (set LAKEHOUSE_PYTHON or run `bash .ci/run` to create .venv)';
  if (process.env.CI === 'true') throw new Error(message);
  t.skip(message);
  return undefined;
}

/** Runs a script from scripts/peers with the peer Python; rejects with the script's stderr tail. */
export async function runPeerScript(python: string, script: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(python, [join(PEER_SCRIPTS_DIR, script), ...args], {
      cwd: REPO_ROOT,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    return stdout;
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    throw new Error(`peer script ${script} ${args.join(' ')} failed:\n${stderr.slice(-4000)}`, { cause: error });
  }
}
