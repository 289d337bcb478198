import { randomUUID } from 'node:crypto';
import type { Action, AddFile, DomainMetadata, Metadata, Protocol } from '../actions';
import { DeltaError } from '../errors';
import { isRecord } from '../schema';
import { hasFeature } from '../tableFeatures';

export const ROW_TRACKING_DOMAIN = 'delta.rowTracking';
export const MATERIALIZED_ROW_ID_KEY = 'delta.rowTracking.materializedRowIdColumnName';
export const MATERIALIZED_ROW_COMMIT_VERSION_KEY = 'delta.rowTracking.materializedRowCommitVersionColumnName';

/** Operations whose new files, beside removed ones, hold rows that existed before (updated or compacted). */
const ROW_REWRITING_OPERATIONS: ReadonlySet<string> = new Set(['UPDATE', 'MERGE', 'OPTIMIZE']);

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

/**
 * Refuses a commit that would silently give copied or updated rows new ids: with row tracking
 * enabled, a row's stable id must follow it into the file it is written to, through the materialized
 * row id column, which this engine does not write yet. `copiedRows` are rows a copy-on-write rewrite
 * wrote again (DELETE, replaceWhere, the unmatched rows of UPDATE and MERGE); UPDATE and MERGE also
 * rewrite the rows they change, and OPTIMIZE every row it compacts. Deletion-vector deletes move no
 * rows and pass, as do commits that only add or only remove files.
 */
export function assertNoRowCopies(operation: string, staged: readonly Action[], copiedRows: number): void {
  const removed = new Set<string>();
  for (const action of staged) if (action.remove) removed.add(action.remove.path);
  const written = staged.find((a) => a.add && !removed.has(a.add.path) && (a.add.baseRowId === undefined || a.add.baseRowId === null))?.add;
  if (!written || (copiedRows === 0 && (removed.size === 0 || !ROW_REWRITING_OPERATIONS.has(operation)))) return;
  throw new DeltaError('DELTA_UNSUPPORTED_WRITER_FEATURE',
    `${operation} would rewrite existing rows into ${written.path}, but this table has row tracking enabled (delta.enableRowTracking=true) and Lakehouse Studio cannot yet preserve row ids of rewritten rows; the table was left unchanged. Run this ${operation} with Spark, or use deletion vectors (delta.enableDeletionVectors=true) for deletes.`);
}
