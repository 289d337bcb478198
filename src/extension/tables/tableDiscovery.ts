import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** How deep a location outside the workspace is searched: tables sit near the top of a lakehouse. */
const MAX_DEPTH = 6;
const SKIPPED = new Set(['node_modules', '.git']);

/**
 * Table folders below `root` (absolute), found by walking folders until one holds `_delta_log`;
 * a table's own sub-folders (partitions) are not searched further. Used for `lakehouse.locations`,
 * which lie outside the workspace where `workspace.findFiles` cannot look.
 */
export async function findTablesUnder(root: string, depth = 0): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const folders = entries.filter((entry) => entry.isDirectory());
  if (folders.some((entry) => entry.name === '_delta_log')) return [root];
  if (depth >= MAX_DEPTH) return [];
  const nested = await Promise.all(folders
    .filter((entry) => !SKIPPED.has(entry.name) && !entry.name.startsWith('.'))
    .map((entry) => findTablesUnder(join(root, entry.name), depth + 1)));
  return nested.flat().sort();
}

/** Table folders from paths of files inside `_delta_log` folders, without duplicates, sorted. */
export function tableFoldersOfLogFiles(logFilePaths: readonly string[]): string[] {
  const tables = new Set<string>();
  for (const path of logFilePaths) {
    const log = dirname(path);
    if (log.endsWith('_delta_log')) tables.add(dirname(log));
  }
  return [...tables].sort();
}
