import type { ObjectStore } from '../storage/objectStore';
import type { CommitInfo } from './actions';
import { listCommits, monotonicTimestamps, readCommitInfo } from './commitTimestamps';
import { mapLimit } from '../util/mapLimit';
import { isRecord } from './schema';

/** One entry of a table's history (like DESCRIBE HISTORY), from a commit's commitInfo. */
export interface HistoryEntry {
  version: number;
  /**
   * Commit time in ms: inCommitTimestamp, else the commit file's time made monotonic, the same
   * clock time travel uses (commitInfo.timestamp stays in commitInfo).
   */
  timestamp: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  operationMetrics?: Record<string, unknown>;
  userName?: string;
  engineInfo?: string;
  commitInfo: CommitInfo;
}

/** History newest first; versions whose commit files were cleaned up are not listed. */
export async function readHistory(store: ObjectStore, options: { limit?: number } = {}): Promise<HistoryEntry[]> {
  const commits = await listCommits(store);
  const times = monotonicTimestamps(commits);
  const indexes = commits.map((_, i) => i).reverse().slice(0, options.limit ?? commits.length);
  return mapLimit(indexes, 16, async (index) => {
    const commit = commits[index] as (typeof commits)[number];
    const info = (await readCommitInfo(store, commit.path)) ?? {};
    const entry: HistoryEntry = {
      version: commit.version,
      timestamp: numberOr(info.inCommitTimestamp, times[index] as number),
      commitInfo: info,
    };
    if (typeof info.operation === 'string') entry.operation = info.operation;
    if (isRecord(info.operationParameters)) entry.operationParameters = info.operationParameters;
    if (isRecord(info.operationMetrics)) entry.operationMetrics = info.operationMetrics;
    if (typeof info.userName === 'string') entry.userName = info.userName;
    if (typeof info.engineInfo === 'string') entry.engineInfo = info.engineInfo;
    return entry;
  });
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
