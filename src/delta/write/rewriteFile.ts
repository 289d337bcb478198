import type { RecordBatch } from 'apache-arrow';
import { filterBatch } from '../../arrow/takeRows';
import type { AddFile } from '../actions';
import { createDeletionVectorFile } from '../deletionVectors/deletionVectorFile';
import { DeltaError } from '../errors';
import type { Snapshot } from '../snapshot';
import type { Transaction } from '../transaction/transaction';
import type { DataFileWriter } from './dataFileWriter';
import { readDataFile } from './fileRows';
import { removeActionOf } from './removeAction';

export interface RewriteContext {
  tx: Transaction;
  snapshot: Snapshot;
  /** Receives the unmatched live rows of files rewritten copy-on-write. */
  writer: DataFileWriter;
  /** Mark matched rows in deletion vectors instead of rewriting files. */
  deletionVectors: boolean;
  now: number;
}

export interface FileRewrite {
  matchedRows: number;
  /** Unmatched rows written again (copy-on-write). */
  copiedRows: number;
  /** The file left the table (every live row matched, or it was rewritten). */
  removed: boolean;
  deletionVectorAdded: boolean;
}

/**
 * Takes the rows `match` selects out of one data file, staging the change in the transaction:
 * nothing when no live row matches; otherwise the file is removed and either its other live rows
 * are written again (copy-on-write) or it is re-added with a deletion vector marking the matched
 * rows ("Deletion Vectors" in PROTOCOL.md; its stats get `tightBounds: false`, since they now
 * cover deleted rows too). `onMatched` sees the matched live rows (DML writes their new form).
 */
export async function rewriteFile(
  ctx: RewriteContext,
  file: AddFile,
  match: (batch: RecordBatch) => Uint8Array | Promise<Uint8Array>,
  onMatched?: (rows: RecordBatch) => Promise<void>,
): Promise<FileRewrite> {
  const content = await readDataFile(ctx.snapshot, file);
  const matchedRows: number[] = [];
  const survivors: RecordBatch[] = [];
  let liveRows = 0;
  for (const { batch, rowOffset, live } of content.batches) {
    const matches = await match(batch);
    const keep = new Uint8Array(batch.numRows);
    const hit = new Uint8Array(batch.numRows);
    let hits = 0;
    for (let row = 0; row < batch.numRows; row++) {
      if (live && live[row] === 0) continue;
      liveRows++;
      if (matches[row] === 1) {
        matchedRows.push(rowOffset + row);
        hit[row] = 1;
        hits++;
      } else {
        keep[row] = 1;
      }
    }
    if (hits > 0 && onMatched) await onMatched(filterBatch(batch, hit));
    if (!ctx.deletionVectors) survivors.push(filterBatch(batch, keep));
  }
  const result: FileRewrite = { matchedRows: matchedRows.length, copiedRows: 0, removed: false, deletionVectorAdded: false };
  if (matchedRows.length === 0) return result;
  ctx.tx.add(removeActionOf(file, ctx.now));
  if (matchedRows.length === liveRows) return { ...result, removed: true };
  if (ctx.deletionVectors) {
    const previous = content.deleted ? Array.from(content.deleted.toSortedArray()) : [];
    const dv = createDeletionVectorFile([...previous, ...matchedRows]);
    await ctx.tx.store.put(dv.path, dv.bytes).catch((cause: unknown) => {
      throw new DeltaError('DELTA_IO_ERROR', `Cannot write deletion vector ${dv.path}: ${(cause as Error).message}`, { cause });
    });
    ctx.tx.add({
      add: {
        ...file,
        modificationTime: ctx.now,
        dataChange: true,
        deletionVector: dv.descriptor,
        ...(file.stats ? { stats: withLooseBounds(file.stats) } : {}),
      },
    });
    return { ...result, deletionVectorAdded: true };
  }
  for (const batch of survivors) {
    if (batch.numRows === 0) continue;
    result.copiedRows += batch.numRows;
    await ctx.writer.write(batch);
  }
  return { ...result, removed: true };
}

/** The same statistics marked as possibly wider than the live rows (`tightBounds: false`). */
function withLooseBounds(stats: string): string {
  const existing = /"tightBounds"\s*:\s*(true|false)/;
  if (existing.test(stats)) return stats.replace(existing, '"tightBounds":false');
  return stats.replace(/^\s*\{/, '{"tightBounds":false,');
}
