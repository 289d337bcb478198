import type { RecordBatch } from 'apache-arrow';
import type { AddFile } from '../actions';
import type { Predicate } from '../predicate/ast';
import { columnsOf } from '../predicate/columnsOf';
import { evaluatePredicate } from '../predicate/evaluatePredicate';
import type { Snapshot } from '../snapshot';
import { parseFileStats } from '../stats/fileStats';
import type { Transaction } from '../transaction/transaction';
import type { ProgressCallback } from '../../util/progress';
import type { DataFileWriter } from './dataFileWriter';
import { removeActionOf } from './removeAction';
import { rewriteFiles } from './rewriteFiles';

export interface StagedDelete {
  rowsRemoved: number;
  /** Live rows of rewritten files that were written again (copy-on-write). */
  rowsCopied: number;
  filesRemoved: number;
  /** Files that stay, with a new deletion vector. */
  deletionVectorsAdded: number;
}

export interface StageDeleteOptions {
  /** Receives the surviving rows of rewritten files (copy-on-write). */
  writer: DataFileWriter;
  deletionVectors: boolean;
  /** Decode the next row group while writing the current one (see decodeAheadByDefault). */
  decodeAhead?: boolean;
  /** Sees every deleted row (Change Data Feed); files are then always read. */
  onDeleted?: (rows: RecordBatch) => Promise<void>;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/**
 * Stages the removal of every row matching `predicate` (all rows when undefined): files whose
 * partition values alone prove that every row matches are removed unread, the other candidates
 * left by stats skipping are rewritten or given deletion vectors (see rewriteFiles).
 */
export async function stageDelete(tx: Transaction, predicate: Predicate | undefined, options: StageDeleteOptions): Promise<StagedDelete> {
  const snapshot = tx.snapshot as Snapshot;
  const candidates = snapshot.scan(predicate ? { where: predicate } : {}).plan();
  tx.readPredicate(predicate);
  tx.readFiles(candidates);
  const partitionColumns = new Set(snapshot.partitionColumns);
  const partitionOnly = predicate === undefined
    || columnsOf(predicate).every((path) => path.length === 1 && partitionColumns.has(path[0] as string));
  const result: StagedDelete = { rowsRemoved: 0, rowsCopied: 0, filesRemoved: 0, deletionVectorsAdded: 0 };
  const now = Date.now();
  const context = { tx, snapshot, writer: options.writer, deletionVectors: options.deletionVectors, now, decodeAhead: options.decodeAhead === true };
  const match = (batch: RecordBatch): Uint8Array => (predicate ? evaluatePredicate(predicate, batch, snapshot.schema) : new Uint8Array(batch.numRows).fill(1));
  // Matching needs only the predicate's top-level columns (none without a predicate).
  const matchColumns = predicate ? [...new Set(columnsOf(predicate).map((path) => path[0] as string))] : [];
  let done = 0;
  const progress = (file: AddFile): void => options.onProgress?.(++done, candidates.length, file.path);
  // Files whose partition values prove every row matches go unread; the others are rewritten.
  const unread = (file: AddFile): number | undefined => (partitionOnly && !options.onDeleted ? liveRowsFromStats(file, snapshot) : undefined);
  const toRead: AddFile[] = [];
  for (const file of candidates) {
    options.signal?.throwIfAborted();
    const knownRows = unread(file);
    if (knownRows === undefined) {
      toRead.push(file);
      continue;
    }
    tx.add(removeActionOf(file, now));
    result.rowsRemoved += knownRows;
    result.filesRemoved++;
    progress(file);
  }
  await rewriteFiles(context, toRead, () => ({ match, ...(options.onDeleted ? { onMatched: options.onDeleted } : {}) }), {
    matchColumns,
    ...(options.signal ? { signal: options.signal } : {}),
    onRewritten: (file, rewrite) => {
      result.rowsRemoved += rewrite.matchedRows;
      result.rowsCopied += rewrite.copiedRows;
      if (rewrite.removed) result.filesRemoved++;
      if (rewrite.deletionVectorAdded) result.deletionVectorsAdded++;
      progress(file);
    },
  });
  return result;
}

/** Live rows of a file by its statistics (numRecords minus DV cardinality), when it has them. */
function liveRowsFromStats(file: AddFile, snapshot: Snapshot): number | undefined {
  const stats = parseFileStats(file.stats, snapshot.schema, snapshot.columnMappingMode);
  if (!stats) return undefined;
  return stats.numRecords - (file.deletionVector?.cardinality ?? 0);
}
