import type { ObjectStore } from '../../storage/objectStore';
import { monotonicTimestamps } from '../commitTimestamps';
import { LOG_DIR, parseLogFile, type LogFile } from '../logFiles';
import { DAY_MS, retentionMs } from './retentionInterval';

const DEFAULT_LOG_RETENTION_MS = 30 * DAY_MS;

/**
 * Deletes log files that no retained version needs (Spark's metadata cleanup): every version
 * committed within delta.logRetentionDuration must stay readable, so the cut is the newest
 * complete checkpoint whose commit is already older than the retention window, and only files of
 * versions before it go. Commit times are made monotonic first, so a skewed file clock can never
 * put a retained version behind the cut.
 */
export async function cleanupExpiredLogs(store: ObjectStore, properties: Record<string, string>, now = Date.now()): Promise<string[]> {
  if (properties['delta.enableExpiredLogCleanup'] === 'false') return [];
  const cutoff = now - retentionMs(properties, 'delta.logRetentionDuration', DEFAULT_LOG_RETENTION_MS);
  const objects = await store.list(LOG_DIR);
  const files = objects.flatMap((o) => {
    const file = parseLogFile(o.path);
    return file ? [{ file, modifiedMs: o.modifiedMs }] : [];
  });
  const commits = files.filter((f) => f.file.kind === 'commit')
    .map((f) => ({ version: f.file.version, path: f.file.path, modifiedMs: f.modifiedMs }))
    .sort((a, b) => a.version - b.version);
  const times = new Map(monotonicTimestamps(commits).map((t, i) => [commits[i]?.version as number, t]));
  const cut = completeCheckpointVersions(files.map((f) => f.file))
    .filter((version) => (times.get(version) ?? Infinity) <= cutoff)
    .reduce((max, v) => Math.max(max, v), -1);
  if (cut <= 0) return [];
  const doomed = files.filter((f) => f.file.version < cut && (f.file.kind !== 'compaction' || f.file.endVersion < cut)).map((f) => f.file.path);
  // Oldest first: a crash part-way leaves a log that still starts at a contiguous suffix.
  doomed.sort();
  for (const path of doomed) await store.delete(path);
  return doomed;
}

function completeCheckpointVersions(files: readonly LogFile[]): number[] {
  const parts = new Map<string, { version: number; expected: number; seen: Set<number> }>();
  const versions: number[] = [];
  for (const file of files) {
    if (file.kind === 'v2Checkpoint') versions.push(file.version);
    if (file.kind !== 'checkpoint') continue;
    if (file.parts === 1) {
      versions.push(file.version);
      continue;
    }
    const key = `${file.version}/${file.parts}`;
    const group = parts.get(key) ?? { version: file.version, expected: file.parts, seen: new Set<number>() };
    group.seen.add(file.part);
    parts.set(key, group);
  }
  for (const group of parts.values()) if (group.seen.size === group.expected) versions.push(group.version);
  return versions;
}
