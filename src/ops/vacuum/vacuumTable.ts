import type { DeltaTable } from '../../delta/table';
import type { CommitOperation } from '../../delta/transaction/commitInfo';
import { Transaction } from '../../delta/transaction/transaction';
import { openTable, type TableLocation } from '../../delta/write/tableLocation';
import { mapLimit } from '../../util/mapLimit';
import type { ProgressCallback } from '../../util/progress';
import { planVacuum, type VacuumPlanOptions } from './vacuumPlan';

export interface VacuumOptions extends VacuumPlanOptions {
  /** List what would be deleted and change nothing. */
  dryRun?: boolean;
  /** Record VACUUM START / VACUUM END commits (Spark's delta.vacuum.logging.enabled); default true. */
  logging?: boolean;
  /** Deletes in flight at once; default 16. */
  parallelism?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface VacuumResult {
  dryRun: boolean;
  /** The table version whose files were kept. */
  snapshotVersion: number;
  /** The VACUUM START and VACUUM END commits; undefined on a dry run or without logging. */
  startVersion: number | undefined;
  endVersion: number | undefined;
  retentionHours: number;
  /** Files removed before this time (ISO) were eligible. */
  deleteBefore: string;
  /** Table-relative paths deleted, or that would be deleted on a dry run. */
  files: string[];
  filesDeleted: number;
  bytesDeleted: number;
}

/**
 * VACUUM: deletes the files under the table root that neither the current version nor any version
 * inside the retention window needs (see planVacuum), in parallel. Like Spark with vacuum logging,
 * the deletion is bracketed by two commitInfo-only commits, VACUUM START (what will go) and
 * VACUUM END (COMPLETED, or FAILED when a delete failed or the run was cancelled), so
 * DESCRIBE HISTORY shows every VACUUM.
 */
export async function vacuumTable(location: TableLocation, options: VacuumOptions = {}): Promise<VacuumResult> {
  const table = await openTable(location);
  const snapshot = await table.snapshot();
  const plan = await planVacuum(table.store, snapshot, options);
  const paths = plan.files.map((file) => file.path);
  const result: VacuumResult = {
    dryRun: options.dryRun === true,
    snapshotVersion: plan.snapshotVersion,
    startVersion: undefined,
    endVersion: undefined,
    retentionHours: plan.retentionMs / 3_600_000,
    deleteBefore: new Date(plan.deleteBefore).toISOString(),
    files: paths,
    filesDeleted: options.dryRun ? 0 : paths.length,
    bytesDeleted: options.dryRun ? 0 : plan.bytes,
  };
  if (options.dryRun) return result;

  const logging = options.logging ?? true;
  const signal = options.signal ? { signal: options.signal } : {};
  if (logging) {
    result.startVersion = await commitInfoOnly(table, {
      operation: 'VACUUM START',
      parameters: {
        retentionCheckEnabled: plan.retentionCheckEnabled,
        defaultRetentionMillis: plan.tableRetentionMs,
        ...(options.retentionHours === undefined ? {} : { specifiedRetentionMillis: plan.retentionMs }),
      },
      metrics: { numFilesToDelete: paths.length, sizeOfDataToDelete: plan.bytes },
    }, signal);
  }
  let deleted = 0;
  try {
    await mapLimit(paths, options.parallelism ?? 16, async (path) => {
      options.signal?.throwIfAborted();
      await table.store.delete(path);
      deleted++;
      options.onProgress?.(deleted, paths.length, path);
    });
  } catch (error) {
    if (logging) {
      await commitInfoOnly(table, {
        operation: 'VACUUM END', parameters: { status: 'FAILED' }, metrics: { numDeletedFiles: deleted, numVacuumedDirectories: 0 },
      }, {});
    }
    throw error;
  }
  if (logging) {
    result.endVersion = await commitInfoOnly(table, {
      operation: 'VACUUM END', parameters: { status: 'COMPLETED' }, metrics: { numDeletedFiles: deleted, numVacuumedDirectories: 0 },
    }, signal);
  }
  return result;
}

/** A commit holding only its commitInfo: it changes no file, so it never conflicts with writers. */
async function commitInfoOnly(table: DeltaTable, op: CommitOperation, options: { signal?: AbortSignal }): Promise<number> {
  const tx = await Transaction.start(table);
  return (await tx.commit(op, options)).version;
}
