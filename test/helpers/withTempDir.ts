import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

/** Runs `fn` with a fresh temp dir named `<prefix>...`, removed afterwards whether `fn` passes or throws. */
export async function withTempDir(prefix: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A suite's temp dir (set once its before hook ran) and a way to write input files into it. */
export interface SuiteTempDir {
  readonly dir: string;
  /** Writes `text` to `<dir>/<name>` and returns that path. */
  file(name: string, text: string): string;
}

/** Registers, in the calling describe, hooks that make a temp dir named `<prefix>...` and remove it after the suite. */
export function useTempDir(prefix: string): SuiteTempDir {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  return {
    get dir() {
      return dir;
    },
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}
