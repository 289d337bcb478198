import type { ObjectStore } from '../../storage/objectStore';
import { readCheckpointFile } from '../checkpointReader';
import { monotonicTimestamps } from '../commitTimestamps';
import { LOG_DIR, parseLogFile, SIDECAR_DIR, type LogFile } from '../logFiles';
import { DAY_MS, retentionMs } from './retentionInterval';

const DEFAULT_LOG_RETENTION_MS = 30 * DAY_MS;

/**
 * Deletes log files that no retained version needs (Spark's metadata cleanup): every version
 * committed within delta.logRetentionDuration must stay readable, so the cut is the newest
 * complete checkpoint whose commit is already older than the retention window, and only files of
 * versions before it go. Commit times are made monotonic first, so a skewed file clock can never
 * put a retained version behind the cut. Returns the deleted paths, unreferenced sidecars included.
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
  const doomed = cut <= 0 ? [] : files.filter((f) => f.file.version < cut && (f.file.kind !== 'compaction' || f.file.endVersion < cut)).map((f) => f.file.path);
  // Oldest first: a crash part-way leaves a log that still starts at a contiguous suffix.
  doomed.sort();
  for (const path of doomed) await store.delete(path);
  return [...doomed, ...(await cleanupSidecars(store, now))];
}

/**
 * Steps 4 and 5 of "Metadata Cleanup": sidecar files no remaining checkpoint references go, except
 * those younger than a day before the last UTC midnight, which a checkpoint being written right now
 * may be about to reference.
 */
async function cleanupSidecars(store: ObjectStore, now: number): Promise<string[]> {
  const keepAfter = Math.floor(now / DAY_MS) * DAY_MS - DAY_MS;
  const candidates = (await store.list(SIDECAR_DIR)).filter((o) => o.path.endsWith('.parquet') && o.modifiedMs < keepAfter);
  if (candidates.length === 0) return [];
  const referenced = new Set<string>();
  for (const object of await store.list(LOG_DIR)) {
    const file = parseLogFile(object.path);
    // Classic checkpoints may follow the V2 spec too, so they are read as well; sidecars are rare enough.
    if (file?.kind !== 'v2Checkpoint' && !(file?.kind === 'checkpoint' && file.parts === 1)) continue;
    for (const action of await readCheckpointFile(store, file.path)) {
      if (action.sidecar) referenced.add(decodeURIComponent(action.sidecar.path.slice(action.sidecar.path.lastIndexOf('/') + 1)));
    }
  }
  const doomed = candidates.map((o) => o.path).filter((path) => !referenced.has(path.slice(SIDECAR_DIR.length)));
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
