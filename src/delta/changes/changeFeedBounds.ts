import type { ObjectStore } from '../../storage/objectStore';
import { listCommits, type CommitRef } from '../commitTimestamps';
import { DeltaError } from '../errors';
import { commitClock, type CommitClock } from '../timeTravel';

/** Where a change feed starts and ends: a version or a timestamp (ms) for each end. */
export interface ChangeFeedBounds {
  fromVersion?: number;
  /** The first version committed at or after it. */
  startingTimestamp?: number;
  /** Inclusive; the latest when both are omitted. */
  toVersion?: number;
  /** The last version committed at or before it. */
  endingTimestamp?: number;
}

/** The versions a change feed reads; `empty` when two timestamps fall between the same two commits. */
export interface ResolvedBounds { fromVersion: number; toVersion: number; empty: boolean }

/**
 * Resolves a change feed's bounds to versions as Spark's readChangeFeed does: a starting
 * timestamp is the first version committed at or after it (version 0 when it is before every
 * commit; refused when after the latest and, unlike Spark, when it is before the earliest commit
 * log cleanup left); a start version after the latest is refused; an ending timestamp is the last
 * version committed at or before it (refused when before the earliest or after the latest commit);
 * an ending version past the latest reads to the latest. Commit times are those of time travel
 * (in-commit timestamps where the table records them). A range whose end comes before its start
 * is refused, unless both ends are timestamps in order that fall between the same two commits:
 * then there are simply no changes.
 */
export async function resolveChangeFeedBounds(store: ObjectStore, bounds: ChangeFeedBounds): Promise<ResolvedBounds> {
  if (bounds.fromVersion !== undefined && bounds.startingTimestamp !== undefined) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', 'Give either a start version or a starting timestamp, not both.');
  }
  if (bounds.toVersion !== undefined && bounds.endingTimestamp !== undefined) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', 'Give either an end version or an ending timestamp, not both.');
  }
  if (bounds.fromVersion === undefined && bounds.startingTimestamp === undefined) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', 'A change feed needs a start version or a starting timestamp.');
  }
  checkVersion('start', bounds.fromVersion);
  checkVersion('end', bounds.toVersion);
  // Commit times cost a replay of the latest version (is in-commit time on?): only for timestamps.
  const clock = bounds.startingTimestamp !== undefined || bounds.endingTimestamp !== undefined ? await commitClock(store) : undefined;
  const latest = ((clock?.commits ?? await listCommits(store)).at(-1) as CommitRef).version;
  const from = clock && bounds.startingTimestamp !== undefined ? await firstAtOrAfter(clock, bounds.startingTimestamp) : bounds.fromVersion as number;
  if (from > latest) {
    // Spark's DELTA_CDC_START_VERSION_AFTER_LATEST, with its message.
    throw new DeltaError('DELTA_CDC_START_VERSION_AFTER_LATEST',
      `Start version ${from} for change data feed exceeds the latest table version ${latest}. Start at version ${latest} or earlier.`);
  }
  const to = clock && bounds.endingTimestamp !== undefined ? await lastAtOrBefore(clock, bounds.endingTimestamp) : Math.min(bounds.toVersion ?? latest, latest);
  if (to >= from) return { empty: false, fromVersion: from, toVersion: to };
  const { startingTimestamp: start, endingTimestamp: end } = bounds;
  if (start !== undefined && end !== undefined && start <= end) return { empty: true, fromVersion: from, toVersion: to };
  throw new DeltaError('DELTA_INVALID_ARGUMENT', `The change feed range from version ${from} to version ${to} is invalid: the end cannot be before the start.`);
}

async function firstAtOrAfter(clock: CommitClock, timestamp: number): Promise<number> {
  const last = clock.commits.length - 1;
  const latestTime = await clock.timeOf(last);
  if (timestamp > latestTime) throw afterLatest(timestamp, latestTime);
  const earliest = clock.commits[0] as CommitRef;
  const earliestTime = await clock.timeOf(0);
  if (earliest.version > 0 && timestamp < earliestTime) {
    // Spark starts such a feed at the earliest commit left and returns the changes from there on,
    // without a word about the ones log cleanup took: we refuse rather than return part of the range.
    throw new DeltaError('DELTA_TIMESTAMP_OUT_OF_RANGE',
      `The timestamp ${iso(timestamp)} is before the earliest version still in the log, ${earliest.version} (committed ${iso(earliestTime)}): log cleanup removed the commits before it, so the changes since ${iso(timestamp)} cannot all be read. Use a starting timestamp at or after ${iso(earliestTime)}, or start at version ${earliest.version}.`);
  }
  // The first index whose time is >= timestamp (times increase with the index).
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await clock.timeOf(mid)) >= timestamp) hi = mid;
    else lo = mid + 1;
  }
  return (clock.commits[lo] as CommitRef).version;
}

async function lastAtOrBefore(clock: CommitClock, timestamp: number): Promise<number> {
  const last = clock.commits.length - 1;
  const [first, latestTime] = [await clock.timeOf(0), await clock.timeOf(last)];
  if (timestamp < first) {
    throw new DeltaError('DELTA_TIMESTAMP_OUT_OF_RANGE',
      `The timestamp ${iso(timestamp)} is before the earliest version available, ${(clock.commits[0] as CommitRef).version} (committed ${iso(first)}). Use a timestamp at or after ${iso(first)}.`);
  }
  if (timestamp > latestTime) throw afterLatest(timestamp, latestTime);
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((await clock.timeOf(mid)) <= timestamp) lo = mid;
    else hi = mid - 1;
  }
  return (clock.commits[lo] as CommitRef).version;
}

function afterLatest(timestamp: number, latestTime: number): DeltaError {
  return new DeltaError('DELTA_TIMESTAMP_OUT_OF_RANGE',
    `The timestamp ${iso(timestamp)} is after the table's latest version (committed ${iso(latestTime)}). Use a timestamp at or before ${iso(latestTime)}.`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function checkVersion(name: string, version: number | undefined): void {
  if (version !== undefined && (!Number.isInteger(version) || version < 0)) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `The ${name} version must be a non-negative integer, got ${version}.`);
  }
}
