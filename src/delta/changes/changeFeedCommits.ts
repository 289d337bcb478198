import type { Action } from '../actions';
import { readCommit } from '../commitReader';
import { listCommits, monotonicTimestamps } from '../commitTimestamps';
import { DeltaError } from '../errors';
import type { Snapshot } from '../snapshot';
import type { DeltaTable } from '../table';
import { resolveChangeFeedBounds, type ChangeFeedBounds } from './changeFeedBounds';
import { checkChangeFeedSchema, type SchemaChange } from './changeFeedSchema';

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
  /** Before fromVersion when two timestamps fell between the same two commits: no commits then. */
  toVersion: number;
  commits: ChangeFeedCommit[];
  /**
   * The table whose schema changes are read in, as Spark reads them: the end version when the
   * latest version has column mapping, else the latest version.
   */
  read: Snapshot;
}

/**
 * The commits of a range (the end defaults to the latest; bounds resolved as
 * resolveChangeFeedBounds says), refused with DELTA_CHANGE_DATA_NOT_RECORDED unless
 * `delta.enableChangeDataFeed` was true at every one of them: before it was enabled (or after it
 * was turned off) a commit's add and remove actions do not tell the rows an UPDATE or MERGE
 * changed, so its change data cannot be derived. Refused as well when a schema change in the range
 * leaves rows the read schema cannot represent (checkChangeFeedSchema).
 */
export async function changeFeedRange(table: DeltaTable, bounds: ChangeFeedBounds): Promise<ChangeFeedRange> {
  const { fromVersion, toVersion: to, empty } = await resolveChangeFeedBounds(table.store, bounds);
  const latest = await table.snapshot();
  const read = latest.columnMappingMode !== 'none' && to !== latest.version ? await table.snapshot({ version: to }) : latest;
  if (empty) return { fromVersion, toVersion: to, commits: [], read };
  const refs = await listCommits(table.store);
  const times = monotonicTimestamps(refs);
  const wanted = refs.flatMap((ref, i) => (ref.version >= fromVersion && ref.version <= to ? [{ ref, time: times[i] as number }] : []));
  if (wanted.length !== to - fromVersion + 1) {
    const earliest = refs[0]?.version ?? 0;
    throw new DeltaError('DELTA_VERSION_NOT_FOUND',
      `The commits of versions ${fromVersion} to ${to} are not all in the log (the oldest kept is ${earliest}): log cleanup removed them, so their changes cannot be read. Start at version ${earliest} or later.`);
  }
  const start = await table.snapshot({ version: fromVersion });
  let enabled = start.properties[ENABLE_CHANGE_DATA_FEED] === 'true';
  const commits: ChangeFeedCommit[] = [];
  const schemaChanges: SchemaChange[] = [];
  for (const { ref, time } of wanted) {
    const actions = await readCommit(table.store, ref.path);
    const metadata = actions.find((a) => a.metaData)?.metaData;
    if (metadata) schemaChanges.push({ version: ref.version, metadata });
    if (metadata && ref.version > fromVersion) enabled = metadata.configuration[ENABLE_CHANGE_DATA_FEED] === 'true';
    if (!enabled) {
      throw new DeltaError('DELTA_CHANGE_DATA_NOT_RECORDED',
        `Cannot read changes for versions ${fromVersion} to ${to}: change data was not recorded at version ${ref.version} (${ENABLE_CHANGE_DATA_FEED} was not true). "lakehouse history" shows when it was enabled; start after that version.`);
    }
    const inCommit = actions.find((a) => a.commitInfo)?.commitInfo?.inCommitTimestamp;
    commits.push({ version: ref.version, timestamp: typeof inCommit === 'number' ? inCommit : time, actions });
  }
  checkChangeFeedSchema({ fromVersion, toVersion: to }, start, schemaChanges, read);
  return { fromVersion, toVersion: to, commits, read };
}
