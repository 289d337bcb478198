import type { RemoveFile } from '../../delta/actions';
import { DAY_MS, retentionMs } from '../../delta/checkpoint/retentionInterval';
import { readCommit } from '../../delta/commitReader';
import { listCommits, monotonicTimestamps } from '../../delta/commitTimestamps';
import { DeltaError } from '../../delta/errors';
import type { Snapshot } from '../../delta/snapshot';
import { assertWritable } from '../../delta/tableFeatures';
import type { ObjectMeta, ObjectStore } from '../../storage/objectStore';
import { mapLimit } from '../../util/mapLimit';
import { retainedFiles } from './retainedFiles';
import { listVacuumableFiles } from './vacuumListing';

export const DEFAULT_DELETED_FILE_RETENTION_MS = 7 * DAY_MS;
const HOUR_MS = 3_600_000;

export interface VacuumPlanOptions {
  /** How long removed files are kept; default the table's delta.deletedFileRetentionDuration. */
  retentionHours?: number;
  /** Allow a retention shorter than the table's (Spark's retentionDurationCheck.enabled=false). */
  force?: boolean;
  /** The clock, for tests. */
  now?: number;
}

export interface VacuumPlan {
  /** The version whose files were kept. */
  snapshotVersion: number;
  retentionMs: number;
  /** The table's delta.deletedFileRetentionDuration in ms. */
  tableRetentionMs: number;
  /** Whether the retention was checked against the table's (false with force). */
  retentionCheckEnabled: boolean;
  /** Files removed before this instant (ms) and not written since may go. */
  deleteBefore: number;
  /** What VACUUM deletes, sorted by path. */
  files: ObjectMeta[];
  bytes: number;
}

/**
 * Decides what VACUUM deletes (Spark's VacuumCommand.gc): every file under the table root that is
 * not hidden, not needed by the snapshot (active files and their deletion vectors) nor by any
 * version inside the retention window (files removed since `deleteBefore`), and not itself
 * written since `deleteBefore`, which protects data files of writes still in progress.
 */
export async function planVacuum(store: ObjectStore, snapshot: Snapshot, options: VacuumPlanOptions = {}): Promise<VacuumPlan> {
  assertWritable(snapshot.protocol);
  const now = options.now ?? Date.now();
  const tableRetentionMs = retentionMs(snapshot.properties, 'delta.deletedFileRetentionDuration', DEFAULT_DELETED_FILE_RETENTION_MS);
  const retention = options.retentionHours === undefined ? tableRetentionMs : options.retentionHours * HOUR_MS;
  if (!Number.isFinite(retention) || retention < 0) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `The VACUUM retention must be zero or more hours, got ${options.retentionHours}.`);
  }
  const retentionCheckEnabled = options.force !== true;
  if (retentionCheckEnabled && retention < tableRetentionMs) {
    throw new DeltaError('DELTA_RETENTION_TOO_SHORT',
      `Refusing to VACUUM with a retention of ${hours(retention)} hours: this table keeps removed files for ${hours(tableRetentionMs)} hours `
      + '(delta.deletedFileRetentionDuration). A shorter retention deletes files that versions inside that window need for time travel, '
      + 'and files of writes still in progress, which corrupts the table. Use a retention of at least '
      + `${hours(tableRetentionMs)} hours, or force it (--force) only when nobody else reads or writes this table.`);
  }
  const deleteBefore = now - retention;
  const removed = [...snapshot.tombstones()];
  // Checkpoints drop tombstones older than the table's retention; with a longer window, the
  // removes of the versions inside it are read back from their commits.
  if (retention > tableRetentionMs) removed.push(...(await removesCommittedSince(store, deleteBefore)));
  const keep = retainedFiles(store, snapshot.files(), removed, deleteBefore);
  const listed = await listVacuumableFiles(store, snapshot.partitionColumns);
  const files = listed.filter((file) => !keep.has(file.path) && file.modifiedMs < deleteBefore);
  return {
    snapshotVersion: snapshot.version,
    retentionMs: retention,
    tableRetentionMs,
    retentionCheckEnabled,
    deleteBefore,
    files,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
  };
}

async function removesCommittedSince(store: ObjectStore, since: number): Promise<RemoveFile[]> {
  const commits = await listCommits(store);
  const times = monotonicTimestamps(commits);
  const recent = commits.filter((_, i) => (times[i] as number) >= since);
  const actions = await mapLimit(recent, 16, (commit) => readCommit(store, commit.path));
  // Removed inside the window whatever its deletionTimestamp says: a version after it still reads it.
  return actions.flat().flatMap((action) => (action.remove ? [{ ...action.remove, deletionTimestamp: Math.max(action.remove.deletionTimestamp ?? 0, since) }] : []));
}

function hours(ms: number): string {
  return String(Math.round((ms / HOUR_MS) * 1000) / 1000);
}
