import type { Action } from '../actions';
import { readCommit } from '../commitReader';
import { listCommits, monotonicTimestamps } from '../commitTimestamps';
import { DeltaError } from '../errors';
import type { Snapshot } from '../snapshot';
import type { DeltaTable } from '../table';

export const ENABLE_CHANGE_DATA_FEED = 'delta.enableChangeDataFeed';

/** One commit of a change feed range, read once. */
export interface ChangeFeedCommit {
  version: number;
  /** The `_commit_timestamp` of its changes, in ms: the clock history and time travel use. */
  timestamp: number;
  actions: Action[];
}

export interface ChangeFeedRange {
  fromVersion: number;
  toVersion: number;
  commits: ChangeFeedCommit[];
  /** The table at toVersion: its schema is the one changes are read in. */
  end: Snapshot;
}

/**
 * The commits [fromVersion, toVersion] (toVersion defaults to the latest), refused with
 * DELTA_CHANGE_DATA_NOT_RECORDED unless `delta.enableChangeDataFeed` was true at every one of
 * them: before it was enabled (or after it was turned off) a commit's add and remove actions do
 * not tell the rows an UPDATE or MERGE changed, so its change data cannot be derived.
 */
export async function changeFeedRange(table: DeltaTable, fromVersion: number, toVersion?: number): Promise<ChangeFeedRange> {
  checkVersion('from', fromVersion);
  if (toVersion !== undefined) checkVersion('to', toVersion);
  const refs = await listCommits(table.store);
  const latest = refs.at(-1)?.version ?? -1;
  const to = toVersion ?? latest;
  if (fromVersion > to) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `The start version ${fromVersion} is after the end version ${to}${toVersion === undefined ? ' (the latest)' : ''}.`);
  }
  if (to > latest) {
    throw new DeltaError('DELTA_VERSION_NOT_FOUND', `Version ${to} does not exist: the latest version is ${latest}.`);
  }
  const times = monotonicTimestamps(refs);
  const wanted = refs.flatMap((ref, i) => (ref.version >= fromVersion && ref.version <= to ? [{ ref, time: times[i] as number }] : []));
  if (wanted.length !== to - fromVersion + 1) {
    const earliest = refs[0]?.version ?? 0;
    throw new DeltaError('DELTA_VERSION_NOT_FOUND',
      `The commits of versions ${fromVersion} to ${to} are not all in the log (the oldest kept is ${earliest}): log cleanup removed them, so their changes cannot be read. Start at version ${earliest} or later.`);
  }
  let enabled = (await table.snapshot({ version: fromVersion })).properties[ENABLE_CHANGE_DATA_FEED] === 'true';
  const commits: ChangeFeedCommit[] = [];
  for (const { ref, time } of wanted) {
    const actions = await readCommit(table.store, ref.path);
    const metadata = actions.find((a) => a.metaData)?.metaData;
    if (metadata && ref.version > fromVersion) enabled = metadata.configuration[ENABLE_CHANGE_DATA_FEED] === 'true';
    if (!enabled) {
      throw new DeltaError('DELTA_CHANGE_DATA_NOT_RECORDED',
        `Cannot read changes for versions ${fromVersion} to ${to}: change data was not recorded at version ${ref.version} (${ENABLE_CHANGE_DATA_FEED} was not true). "lakehouse history" shows when it was enabled; start after that version.`);
    }
    const inCommit = actions.find((a) => a.commitInfo)?.commitInfo?.inCommitTimestamp;
    commits.push({ version: ref.version, timestamp: typeof inCommit === 'number' ? inCommit : time, actions });
  }
  return { fromVersion, toVersion: to, commits, end: await table.snapshot({ version: to }) };
}

function checkVersion(name: string, version: number): void {
  if (!Number.isInteger(version) || version < 0) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `The ${name} version must be a non-negative integer, got ${version}.`);
  }
}
