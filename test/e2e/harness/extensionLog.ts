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
