import { randomUUID } from 'node:crypto';
import type { Action, AddFile, DomainMetadata, Metadata, Protocol } from '../actions';
import { DeltaError } from '../errors';
import { isRecord } from '../schema';
import { hasFeature } from '../tableFeatures';

export const ROW_TRACKING_DOMAIN = 'delta.rowTracking';
export const MATERIALIZED_ROW_ID_KEY = 'delta.rowTracking.materializedRowIdColumnName';
export const MATERIALIZED_ROW_COMMIT_VERSION_KEY = 'delta.rowTracking.materializedRowCommitVersionColumnName';

/**
 * Whether commits must assign row ids ("Writer Requirements for Row Tracking"): the rowTracking
 * feature is supported and delta.rowTrackingSuspended is not true.
 */
export function assignsRowIds(protocol: Protocol, metadata: Metadata): boolean {
  return hasFeature(protocol, 'rowTracking') && metadata.configuration?.['delta.rowTrackingSuspended'] !== 'true';
}

/** Whether readers may rely on stable row ids: delta.enableRowTracking=true. */
export function rowTrackingEnabled(metadata: Metadata): boolean {
  return metadata.configuration?.['delta.enableRowTracking']?.toLowerCase() === 'true';
}

/** The commit tag saying whether a commit kept the rows' ids and commit versions (Spark's PreservedRowTrackingTag). */
export const ROW_TRACKING_PRESERVED_TAG = 'delta.rowTracking.preserved';

/**
 * The operations that carry every surviving or changed row's id into their new files, which Spark
 * tags as preserving row tracking (DELETE, UPDATE, MERGE and OPTIMIZE, auto-compaction included).
 * Spark does not tag WRITE, not even a replaceWhere overwrite that copies rows: neither do we.
 */
const PRESERVING_OPERATIONS = new Set(['DELETE', 'UPDATE', 'MERGE', 'OPTIMIZE']);

/**
 * The commit tags a commit of `operation` on a table read at `protocol`/`metadata` carries: like
 * Spark, `delta.rowTracking.preserved: "true"` for the preserving operations when the table read
 * has row tracking enabled; none otherwise (readers take a missing tag for "not preserved").
 */
export function rowTrackingTags(operation: string, protocol: Protocol, metadata: Metadata): Record<string, string> | undefined {
  if (!PRESERVING_OPERATIONS.has(operation) || !hasFeature(protocol, 'rowTracking') || !rowTrackingEnabled(metadata)) return undefined;
  return { [ROW_TRACKING_PRESERVED_TAG]: 'true' };
}

/** The hidden data file columns that preserve stable row ids and row commit versions of copied rows. */
export interface MaterializedRowColumns {
  rowId: string;
  rowCommitVersion: string;
}

/**
 * The materialized column names when row tracking is enabled, the only case in which writers are
 * expected to preserve row ids ("Row Tracking" in PROTOCOL.md: supported but not enabled, they cannot).
 */
export function materializedRowColumns(metadata: Metadata): MaterializedRowColumns | undefined {
  if (!rowTrackingEnabled(metadata)) return undefined;
  const rowId = metadata.configuration?.[MATERIALIZED_ROW_ID_KEY];
  const rowCommitVersion = metadata.configuration?.[MATERIALIZED_ROW_COMMIT_VERSION_KEY];
  if (!rowId || !rowCommitVersion) {
    throw new DeltaError('DELTA_CORRUPT_COMMIT',
      `Row tracking is enabled but the table metadata does not name its materialized columns (${MATERIALIZED_ROW_ID_KEY}, ${MATERIALIZED_ROW_COMMIT_VERSION_KEY}).`);
  }
  return { rowId, rowCommitVersion };
}

/**
 * The configuration with the hidden materialized row id and row commit version column names that
 * enabling row tracking requires, named like Spark's (`_row-id-col-<uuid>`), which no schema column
 * can collide with. Names already assigned stay: they must never change.
 */
export function withMaterializedColumnNames(configuration: Record<string, string>): Record<string, string> {
  return {
    ...configuration,
    [MATERIALIZED_ROW_ID_KEY]: configuration[MATERIALIZED_ROW_ID_KEY] ?? `_row-id-col-${randomUUID()}`,
    [MATERIALIZED_ROW_COMMIT_VERSION_KEY]: configuration[MATERIALIZED_ROW_COMMIT_VERSION_KEY] ?? `_row-commit-version-col-${randomUUID()}`,
  };
}

/** The highest row id assigned so far, from the delta.rowTracking domain; -1 when none was. */
export function rowIdHighWaterMark(domain: DomainMetadata | undefined): number {
  if (!domain || domain.removed) return -1;
  let parsed: unknown;
  try {
    parsed = JSON.parse(domain.configuration);
  } catch {
    parsed = undefined;
  }
  const mark = isRecord(parsed) ? parsed.rowIdHighWaterMark : undefined;
  if (typeof mark !== 'number' || !Number.isInteger(mark)) {
    throw new DeltaError('DELTA_CORRUPT_COMMIT', `The ${ROW_TRACKING_DOMAIN} domain metadata has no integer rowIdHighWaterMark: ${domain.configuration}`);
  }
  return mark;
}

/** The high water mark a commit leaves, when it carries the delta.rowTracking domain. */
export function highWaterMarkIn(actions: readonly Action[]): number | undefined {
  const domain = actions.find((a) => a.domainMetadata?.domain === ROW_TRACKING_DOMAIN)?.domainMetadata;
  return domain ? rowIdHighWaterMark(domain) : undefined;
}

/**
 * Gives every add without row tracking fields its baseRowId and defaultRowCommitVersion for a
 * commit at `version`. An add re-committing a file this commit also removes (a deletion vector
 * update) keeps the removed file's values, as the protocol requires for recommitted adds; other new
 * files get fresh ids above `highWaterMark`, `numRecords` of them each. Adds that already carry a
 * baseRowId (RESTORE re-adding old files) keep it. The delta.rowTracking domain records the new
 * mark when fresh ids were assigned. Called again with the new mark and version after a lost race.
 */
export function assignRowIds(staged: readonly Action[], version: number, highWaterMark: number): Action[] {
  const removed = new Map<string, { baseRowId?: number | null; defaultRowCommitVersion?: number | null }>();
  for (const action of staged) if (action.remove) removed.set(action.remove.path, action.remove);
  let mark = highWaterMark;
  const out = staged.map((action): Action => {
    const add = action.add;
    if (!add || (add.baseRowId !== undefined && add.baseRowId !== null)) return action;
    const previous = removed.get(add.path);
    if (previous?.baseRowId !== undefined && previous.baseRowId !== null) {
      return { add: { ...add, baseRowId: previous.baseRowId, defaultRowCommitVersion: previous.defaultRowCommitVersion ?? version } };
    }
    const baseRowId = mark + 1;
    mark += numRecords(add);
    return { add: { ...add, baseRowId, defaultRowCommitVersion: version } };
  });
  if (mark > highWaterMark) {
    out.push({ domainMetadata: { domain: ROW_TRACKING_DOMAIN, configuration: JSON.stringify({ rowIdHighWaterMark: mark }), removed: false } });
  }
  return out;
}

function numRecords(add: AddFile): number {
  let stats: unknown;
  try {
    stats = add.stats ? JSON.parse(add.stats) : undefined;
  } catch {
    stats = undefined;
  }
  const count = isRecord(stats) ? stats.numRecords : undefined;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT',
      `Row tracking needs the row count of every new file, but ${add.path} has no numRecords in its stats; the table was left unchanged.`);
  }
  return count;
}
