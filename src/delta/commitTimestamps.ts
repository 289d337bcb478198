import type { ObjectStore } from '../storage/objectStore';
import type { CommitInfo } from './actions';
import { readCommit } from './commitReader';
import { LOG_DIR, parseLogFile } from './logFiles';

export interface CommitRef { version: number; path: string; modifiedMs: number }

/** Every commit file still in the log, oldest first. */
export async function listCommits(store: ObjectStore): Promise<CommitRef[]> {
  const commits: CommitRef[] = [];
  for (const object of await store.list(LOG_DIR)) {
    const file = parseLogFile(object.path);
    if (file?.kind === 'commit') commits.push({ version: file.version, path: file.path, modifiedMs: object.modifiedMs });
  }
  return commits.sort((a, b) => a.version - b.version);
}

/**
 * File modification times made strictly increasing with the version, as Delta does for time
 * travel: clocks and copies can reorder mtimes, but version order is the truth.
 */
export function monotonicTimestamps(commits: readonly CommitRef[]): number[] {
  const out: number[] = [];
  for (const [i, commit] of commits.entries()) {
    const previous = i > 0 ? (out[i - 1] as number) : -Infinity;
    out.push(commit.modifiedMs > previous ? commit.modifiedMs : previous + 1);
  }
  return out;
}

export async function readCommitInfo(store: ObjectStore, path: string): Promise<CommitInfo | undefined> {
  const actions = await readCommit(store, path);
  return actions.find((a) => a.commitInfo)?.commitInfo;
}
