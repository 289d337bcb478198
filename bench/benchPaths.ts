import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root: bench/.. */
export const REPO_ROOT = resolve(import.meta.dirname, '..');

/** Generated tables, the bundled child and CPU profiles; git-ignored, kept between runs. */
export const CACHE_DIR = join(REPO_ROOT, '.cache', 'bench');

export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** The Python with `deltalake`: `LAKEHOUSE_PYTHON` (as `.ci/run` exports it), else the repository's `.venv`. */
export function peerPython(): string {
  const fromEnv = process.env.LAKEHOUSE_PYTHON;
  const python = fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(REPO_ROOT, '.venv', 'bin', 'python');
  if (!existsSync(python)) {
    throw new Error(`No Python with deltalake at ${python}: set LAKEHOUSE_PYTHON or run \`bash .ci/run\` to create .venv.`);
  }
  return python;
}
