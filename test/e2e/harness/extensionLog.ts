import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The text of our "Lakehouse" LogOutputChannel, as VS Code wrote it under the user data logs. */
export function extensionLog(userDataDir: string): string {
  const logs = join(userDataDir, 'logs');
  const files = readdirSync(logs, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.includes('lakehouse-studio') && path.endsWith('Lakehouse.log'));
  return files.map((path) => readFileSync(join(logs, path), 'utf8')).join('\n');
}

/** The number in the first log line matching `pattern` (its first capture group). */
export function loggedNumber(log: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(log);
  return match ? Number(match[1]) : undefined;
}

/** Activation as the extension logs it: wall time, and the CPU time of our own code (what the goal is about). */
export function activationTimes(log: string): { wallMs: number | undefined; cpuMs: number | undefined } {
  return {
    wallMs: loggedNumber(log, /Lakehouse activated in ([\d.]+) ms/),
    cpuMs: loggedNumber(log, /Lakehouse activated in [\d.]+ ms \(CPU ([\d.]+) ms\)/),
  };
}

/**
 * The extension log once a line matches `pattern`: VS Code writes a log channel to its file in
 * batches, so a line logged just before the UI showed its effect may not be in the file yet.
 */
export async function waitForLogLine(userDataDir: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = extensionLog(userDataDir);
    if (pattern.test(log)) return log;
    if (Date.now() > deadline) throw new Error(`no line matching ${String(pattern)} in the extension log within ${timeoutMs} ms; it ends:\n${log.split('\n').slice(-20).join('\n')}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
}
