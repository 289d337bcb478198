import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the newest commit of a table adds and removes, read from its log the same way for both engines. */
export interface CommitFiles {
  version: number;
  filesAdded: number;
  filesRemoved: number;
  /** Bytes of the new data files (a file re-added with a deletion vector is not new; the vector's own file is not counted). */
  bytesAdded: number;
}

export function lastCommitFiles(table: string): CommitFiles {
  const logDir = join(table, '_delta_log');
  const commits = readdirSync(logDir).filter((name) => /^\d{20}\.json$/.test(name)).sort();
  const newest = commits.at(-1);
  if (newest === undefined) throw new Error(`${table} has no commit`);
  const out: CommitFiles = { version: Number(newest.slice(0, 20)), filesAdded: 0, filesRemoved: 0, bytesAdded: 0 };
  const added: Array<{ path?: unknown; size?: unknown }> = [];
  const removed = new Set<unknown>();
  for (const line of readFileSync(join(logDir, newest), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const action = JSON.parse(line) as { add?: { path?: unknown; size?: unknown }; remove?: { path?: unknown } };
    if (action.add) added.push(action.add);
    if (action.remove) removed.add(action.remove.path);
  }
  out.filesAdded = added.length;
  out.filesRemoved = removed.size;
  for (const add of added) if (!removed.has(add.path) && typeof add.size === 'number') out.bytesAdded += add.size;
  return out;
}
