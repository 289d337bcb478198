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
