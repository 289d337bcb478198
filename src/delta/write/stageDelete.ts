import type { RecordBatch } from 'apache-arrow';
import { filterBatch } from '../../arrow/takeRows';
import type { AddFile } from '../actions';
import { createDeletionVectorFile } from '../deletionVectors/deletionVectorFile';
import { DeltaError } from '../errors';
import type { Predicate } from '../predicate/ast';
import { columnsOf } from '../predicate/columnsOf';
import { evaluatePredicate } from '../predicate/evaluatePredicate';
import type { Snapshot } from '../snapshot';
import { parseFileStats } from '../stats/fileStats';
import type { Transaction } from '../transaction/transaction';
import type { DataFileWriter } from './dataFileWriter';
import { readDataFile } from './fileRows';
import { removeActionOf } from './removeAction';
import type { ProgressCallback } from '../../util/progress';

export interface StagedDelete {
  rowsRemoved: number;
  /** Live rows of rewritten files that were written again (copy-on-write). */
  rowsCopied: number;
  filesRemoved: number;
  /** Files that stay, with a new deletion vector. */
  deletionVectorsAdded: number;
  /** The deleted rows, when the caller asked for them (Change Data Feed). */
  deleted: RecordBatch[];
}

export interface StageDeleteOptions {
  /** Receives the surviving rows of rewritten files (copy-on-write). */
  writer: DataFileWriter;
  /** Mark rows deleted in deletion vectors instead of rewriting files. */
  deletionVectors: boolean;
  /** Keep the deleted rows in the result (for Change Data Feed files). */
  collectDeleted?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/**
 * Stages the removal of every row matching `predicate` in the transaction: files whose partition
 * values alone prove every row matches are removed without being read; other candidate files (after
 * stats skipping) are read, and either rewritten without the matching rows (copy-on-write) or kept
 * with a deletion vector marking them ("Deletion Vectors" in PROTOCOL.md: the file is removed and
 * re-added with the new DV, `tightBounds` false since its statistics now cover deleted rows too).
 */
export async function stageDelete(tx: Transaction, predicate: Predicate, options: StageDeleteOptions): Promise<StagedDelete> {
  const snapshot = tx.snapshot as Snapshot;
  const candidates = snapshot.scan({ where: predicate }).plan();
  tx.readPredicate(predicate);
  tx.readFiles(candidates);
  const partitionColumns = new Set(snapshot.partitionColumns);
  const partitionOnly = columnsOf(predicate).every((path) => path.length === 1 && partitionColumns.has(path[0] as string));
  const result: StagedDelete = { rowsRemoved: 0, rowsCopied: 0, filesRemoved: 0, deletionVectorsAdded: 0, deleted: [] };
  const now = Date.now();
  for (const [index, file] of candidates.entries()) {
    options.signal?.throwIfAborted();
    const knownRows = partitionOnly && !options.collectDeleted ? liveRowsFromStats(file, snapshot) : undefined;
    if (knownRows !== undefined) {
      tx.add(removeActionOf(file, now));
      result.rowsRemoved += knownRows;
      result.filesRemoved++;
    } else {
      await deleteFromFile(tx, snapshot, file, predicate, options, result, now);
    }
    options.onProgress?.(index + 1, candidates.length, file.path);
  }
  return result;
}

async function deleteFromFile(
  tx: Transaction, snapshot: Snapshot, file: AddFile, predicate: Predicate, options: StageDeleteOptions, result: StagedDelete, now: number,
): Promise<void> {
  const content = await readDataFile(snapshot, file);
  const matchedRows: number[] = [];
  const survivors: RecordBatch[] = [];
  let liveRows = 0;
  for (const { batch, rowOffset, live } of content.batches) {
    const matches = evaluatePredicate(predicate, batch, snapshot.schema);
    const keep = new Uint8Array(batch.numRows);
    for (let row = 0; row < batch.numRows; row++) {
      if (live && live[row] === 0) continue;
      liveRows++;
      if (matches[row] === 1) matchedRows.push(rowOffset + row);
      else keep[row] = 1;
    }
    if (options.collectDeleted) {
      const gone = matches.map((m, row) => (m === 1 && (!live || live[row] === 1) ? 1 : 0));
      if (gone.some((g) => g === 1)) result.deleted.push(filterBatch(batch, gone));
    }
    if (!options.deletionVectors) survivors.push(filterBatch(batch, keep));
  }
  if (matchedRows.length === 0) return;
  result.rowsRemoved += matchedRows.length;
  if (matchedRows.length === liveRows) {
    tx.add(removeActionOf(file, now));
    result.filesRemoved++;
    return;
  }
  if (options.deletionVectors) {
    const previous = content.deleted ? Array.from(content.deleted.toSortedArray()) : [];
    const dv = createDeletionVectorFile([...previous, ...matchedRows]);
    await tx.store.put(dv.path, dv.bytes).catch((cause: unknown) => {
      throw new DeltaError('DELTA_IO_ERROR', `Cannot write deletion vector ${dv.path}: ${(cause as Error).message}`, { cause });
    });
    tx.add(removeActionOf(file, now), {
      add: {
        ...file,
        modificationTime: now,
        dataChange: true,
        deletionVector: dv.descriptor,
        ...(file.stats ? { stats: withLooseBounds(file.stats) } : {}),
      },
    });
    result.deletionVectorsAdded++;
    return;
  }
  tx.add(removeActionOf(file, now));
  result.filesRemoved++;
  for (const batch of survivors) {
    result.rowsCopied += batch.numRows;
    await options.writer.write(batch);
  }
}

/** Live rows of a file by its statistics (numRecords minus DV cardinality), when it has them. */
function liveRowsFromStats(file: AddFile, snapshot: Snapshot): number | undefined {
  const stats = parseFileStats(file.stats, snapshot.schema, snapshot.columnMappingMode);
  if (!stats) return undefined;
  return stats.numRecords - (file.deletionVector?.cardinality ?? 0);
}

/** The same statistics marked as possibly wider than the live rows (`tightBounds: false`). */
function withLooseBounds(stats: string): string {
  if (/"tightBounds"\s*:\s*(true|false)/.test(stats)) return stats.replace(/"tightBounds"\s*:\s*(true|false)/, '"tightBounds":false');
  return stats.replace(/^\s*\{/, '{"tightBounds":false,');
}
