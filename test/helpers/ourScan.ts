import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from './peers';

const execFileAsync = promisify(execFile);

/** The built CLI (`npm run build`): interop checks the bundle users run, not the sources. */
export const OUR_CLI = join(REPO_ROOT, 'dist', 'cli.cjs');

export type OurScanResult = { ok: true; stdout: string } | { ok: false; message: string };

/** `lakehouse scan <table> --version N --format ndjson`, with the failure text when it exits non-zero. */
export async function scanWithOurCli(tablePath: string, version: number): Promise<OurScanResult> {
  if (!existsSync(OUR_CLI)) return { ok: false, message: `${OUR_CLI} is missing: run \`npm run build\`` };
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      [OUR_CLI, 'scan', tablePath, '--version', String(version), '--format', 'ndjson'],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    return { ok: true, stdout };
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : String(error);
    return { ok: false, message: stderr.trim().slice(-2000) };
  }
}
