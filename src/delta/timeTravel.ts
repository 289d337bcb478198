import type { ObjectStore } from '../storage/objectStore';
import { listCommits, monotonicTimestamps, readCommitInfo, type CommitRef } from './commitTimestamps';
import { DeltaError } from './errors';
import { buildLogSegment } from './logSegment';
import { replayLog } from './logReplay';

/** Every commit still in the log with the time Delta gives it, for resolving timestamps to versions. */
export interface CommitClock {
  /** Oldest first; never empty. */
  commits: CommitRef[];
  /** The commit time (ms) of commits[index]: increasing with the index. */
  timeOf(index: number): Promise<number>;
}

/**
 * Commit times as time travel reads them: versions from the in-commit-timestamp enablement version
 * on use commitInfo.inCommitTimestamp ("In-Commit Timestamps" in PROTOCOL.md), older ones their
 * file modification times made monotonic. Commit files are read only for the times asked.
 */
export async function commitClock(store: ObjectStore): Promise<CommitClock> {
  const commits = await listCommits(store);
  if (commits.length === 0) {
    throw new DeltaError('DELTA_TABLE_NOT_FOUND', `No Delta table at ${store.root}.`);
  }
  const latest = await replayLog(store, await buildLogSegment(store), store.root);
  const config = latest.metadata.configuration ?? {};
  const ictEnabled = config['delta.enableInCommitTimestamps'] === 'true';
  const enablement = ictEnabled ? Number(config['delta.inCommitTimestampEnablementVersion'] ?? 0) : Infinity;

  const fileTimes = monotonicTimestamps(commits);
  const ictStart = commits.findIndex((c) => c.version >= enablement);
  const timeOf = async (index: number): Promise<number> => {
    if (ictStart >= 0 && index >= ictStart) {
      const info = await readCommitInfo(store, (commits[index] as CommitRef).path);
      if (typeof info?.inCommitTimestamp === 'number') return info.inCommitTimestamp;
    }
    return fileTimes[index] as number;
  };
  return { commits, timeOf };
}

/** The newest version committed at or before `timestamp` (ms), by the commit times of commitClock. */
export async function versionAtTimestamp(store: ObjectStore, timestamp: number): Promise<number> {
  const { commits, timeOf } = await commitClock(store);
  const first = await timeOf(0);
  if (timestamp < first) {
    throw new DeltaError('DELTA_TIMESTAMP_OUT_OF_RANGE',
      `The timestamp ${new Date(timestamp).toISOString()} is before the earliest available version ${commits[0]?.version} (committed ${new Date(first).toISOString()}).`);
  }
  // Binary search for the last commit with time <= timestamp (times are monotonic in version).
  let lo = 0;
  let hi = commits.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((await timeOf(mid)) <= timestamp) lo = mid;
    else hi = mid - 1;
  }
  return (commits[lo] as CommitRef).version;
}
