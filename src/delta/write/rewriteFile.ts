import type { RecordBatch } from 'apache-arrow';
import { copyBatch, filterBatch } from '../../arrow/takeRows';
import type { AddFile } from '../actions';
import { keepMask } from '../deletionVectors/keepMask';
import type { Snapshot } from '../snapshot';
import type { Transaction } from '../transaction/transaction';
import { addWithDeletionVector } from './addWithDeletionVector';
import { DataFileWriter } from './dataFileWriter';
import { EarlyStart } from './earlyStart';
import { readDataFile, type DataFileContent, type FileRows } from './fileRows';
import { removeActionOf } from './removeAction';
import { SourceRowIds } from './sourceRowIds';

export interface RewriteContext {
  tx: Transaction;
  snapshot: Snapshot;
  /**
   * Receives the unmatched live rows of files rewritten copy-on-write, with the materialized row
   * tracking columns when the table has row tracking enabled.
   */
  writer: DataFileWriter;
  /** Mark matched rows in deletion vectors instead of rewriting files. */
  deletionVectors: boolean;
  now: number;
  /** Rewrite the file (copy-on-write) even when no row matches: compaction of a small file. */
  rewriteUnmatched?: boolean;
  /** Decode the next row group while writing the current one (see decodeAheadByDefault). */
  decodeAhead?: boolean;
}

export interface FileRewrite {
  matchedRows: number;
  /** Unmatched rows written again (copy-on-write). */
  copiedRows: number;
  /** The file left the table (every live row matched, or it was rewritten). */
  removed: boolean;
  deletionVectorAdded: boolean;
}

/** Picks the rows of one data file (see rewriteFile). */
export type RowMatch = (batch: RecordBatch) => Uint8Array | Promise<Uint8Array>;

/**
 * Takes the rows `match` selects out of one data file, staging the change in the transaction:
 * nothing when no live row matches; otherwise the file is removed and either its other live rows
 * are written again (copy-on-write) or it is re-added with a deletion vector marking the matched
 * rows ("Deletion Vectors" in PROTOCOL.md; its stats get `tightBounds: false`, since they now
 * cover deleted rows too). `onMatched` sees the matched live rows (DML writes their new form).
 * With row tracking enabled, both carry the rows' stable row ids in the materialized row id column
 * and, for the copied rows only, their commit versions (see SourceRowIds).
 *
 * With `matchColumns` (the top-level columns `match` reads), only those are decoded to find the
 * matches; the file's other columns are decoded only when rows must be written: not for a file
 * without matches, nor for a deletion vector. The two passes are findMatches and
 * FileMatches.apply, which rewriteFiles runs one file apart.
 */
export async function rewriteFile(
  ctx: RewriteContext,
  file: AddFile,
  match: RowMatch,
  onMatched?: (rows: RecordBatch) => Promise<void>,
  matchColumns?: readonly string[],
): Promise<FileRewrite> {
  return (await findMatches(ctx, file, match, onMatched, matchColumns)).apply();
}

/**
 * The first pass of rewriteFile: decodes `matchColumns` of `file` (every column without them) and
 * asks `match` about every row. Stages nothing: FileMatches.apply does. With `besideAnother`, this
 * thread writes another file meanwhile (see rewriteFiles): with decodeAhead the match columns are
 * then decoded in the worker pool, and the second pass waits for FileMatches.startRows, since the
 * other file's decodes come first; otherwise they are decoded here, where they are ready sooner
 * than from the pool, which decodes the second pass's first group meanwhile. With
 * `rewriteLikely`, that first group starts decoding at once, not when the first matches show
 * that the file is rewritten: the first file of a rewrite, whose start nothing else overlaps.
 */
export async function findMatches(
  ctx: RewriteContext,
  file: AddFile,
  match: RowMatch,
  onMatched?: (rows: RecordBatch) => Promise<void>,
  matchColumns?: readonly string[],
  besideAnother = false,
  rewriteLikely = false,
): Promise<FileMatches> {
  // In the transaction's schema: a MERGE that added columns writes its copied rows with them.
  const content = await readDataFile(ctx.snapshot, file, ctx.tx.schema, undefined, ctx.decodeAhead === true);
  const matches = new Uint8Array(content.rows);
  // Without a projection the match pass decodes every column: keep its batches for the rewrite.
  const decoded: FileRows[] | undefined = matchColumns ? undefined : [];
  // The rewrite pass over every column, started (decoding ahead) as soon as the match pass shows it
  // will run. Its row groups' buffers are recycled while the writer copies what it takes (see apply).
  const rewriteRows = new EarlyStart(content.recyclingBatches(() => ctx.writer.copiesRows));
  const needsRows = { matched: false, kept: false };
  // The second pass's first groups then decode in the pool while this thread decodes the match
  // columns, instead of after the first matches show: dropped below when the file is not rewritten.
  if (rewriteLikely && ctx.decodeAhead && !decoded && mayWriteRows(ctx, onMatched)) rewriteRows.start();
  try {
    for await (const piece of matchColumns ? content.batchesOf(matchColumns, besideAnother) : content.batches) {
      const hit = await match(piece.batch);
      matches.set(hit, piece.rowOffset);
      decoded?.push(piece);
      if (!besideAnother && ctx.decodeAhead && !decoded && !rewriteRows.started && rowsWillBeWritten(ctx, onMatched, hit, piece.live, needsRows)) rewriteRows.start();
    }
  } catch (error) {
    await rewriteRows.stop();
    throw error;
  }
  const live = content.deleted ? keepMask(content.deleted, 0, content.rows) : undefined;
  const matchedRows: number[] = [];
  const liveRows = settleMatches(matches, live, matchedRows);
  const removedWhole = matchedRows.length === liveRows;
  const rewrites = (matchedRows.length > 0 || ctx.rewriteUnmatched === true) && (onMatched !== undefined || (!ctx.deletionVectors && !removedWhole));
  if (!rewrites) await rewriteRows.stop();
  return new FileMatches(ctx, file, content, { matches, live, matchedRows, removedWhole, rewrites }, decoded, rewriteRows, onMatched);
}

/**
 * Clears `matches` to 0 outside `live` and to 0 or 1 inside (the rewrite filters with it, and only
 * 1 selects a row), lists the matched rows in `matchedRows`, and returns the live rows' count. Out
 * of findMatches, which then runs too few times to be optimized: optimized for this loop, its
 * code inlined each file's match closure and was thrown away with it (~30-60 ms of TurboFan per file).
 */
function settleMatches(matches: Uint8Array, live: Uint8Array | undefined, matchedRows: number[]): number {
  let liveRows = 0;
  for (let row = 0; row < matches.length; row++) {
    if (live !== undefined && live[row] === 0) {
      matches[row] = 0;
      continue;
    }
    liveRows++;
    if (matches[row] === 1) matchedRows.push(row);
    else matches[row] = 0;
  }
  return liveRows;
}

/** What the first pass found about each row of a file. */
interface RowDecisions {
  /** 1 for the live rows `match` selected, 0 for the others. */
  matches: Uint8Array;
  /** 1 for the rows the file's deletion vector keeps; undefined when it has none. */
  live: Uint8Array | undefined;
  matchedRows: number[];
  /** Every live row matched. */
  removedWhole: boolean;
  /** The second pass reads every column (rows to copy or to hand to onMatched). */
  rewrites: boolean;
}

/** A data file whose matches are known (rewriteFile's first pass): apply() stages its change. */
export class FileMatches {
  constructor(
    private readonly ctx: RewriteContext,
    readonly file: AddFile,
    private readonly content: DataFileContent,
    private readonly rows: RowDecisions,
    private readonly decoded: FileRows[] | undefined,
    private readonly rewriteRows: EarlyStart<FileRows>,
    private readonly onMatched: ((rows: RecordBatch) => Promise<void>) | undefined,
  ) {}

  /** Starts the second pass decoding ahead (in the worker pool), when it will run and decodes ahead. */
  startRows(): void {
    if (this.ctx.decodeAhead && this.rows.rewrites && !this.decoded) this.rewriteRows.start();
  }

  /** Ends a started second pass that will not run (the operation failed first). */
  async drop(): Promise<void> {
    await this.rewriteRows.stop();
  }

  /**
   * The second pass: stages the file's change (see rewriteFile), writing its rows when it is
   * rewritten. `onLastGroup` is called when the pass reaches the file's last row group: its reader
   * then has nothing more to decode, and leaves the worker pool to another file's.
   */
  async apply(onLastGroup?: () => void): Promise<FileRewrite> {
    const { ctx, file, content, onMatched } = this;
    const { matches, live, matchedRows, removedWhole, rewrites } = this.rows;
    const result: FileRewrite = { matchedRows: matchedRows.length, copiedRows: 0, removed: false, deletionVectorAdded: false };
    if (matchedRows.length === 0 && !ctx.rewriteUnmatched) return result;
    ctx.tx.add(removeActionOf(file, ctx.now));
    if (rewrites) {
      const ids = await SourceRowIds.read(ctx.snapshot, file);
      let lastGroup = false;
      for await (const { batch: decodedBatch, rowOffset } of this.decoded ?? this.rewriteRows) {
        if (!lastGroup && rowOffset >= content.lastGroupFrom) {
          lastGroup = true;
          onLastGroup?.();
        }
        const hit = matches.subarray(rowOffset, rowOffset + decodedBatch.numRows);
        // On a row-tracking table rows carry their ids into the new files; the matched ones are updated.
        const batch = ids ? ids.attach(decodedBatch, rowOffset, hit) : decodedBatch;
        if (onMatched && hit.includes(1)) await onMatched(matchedCopy(batch, hit, this.decoded === undefined));
        if (ctx.deletionVectors || removedWhole) continue;
        const keep = new Uint8Array(batch.numRows);
        const kept = keepUnmatched(hit, live?.subarray(rowOffset, rowOffset + batch.numRows), keep);
        if (kept === 0) continue;
        result.copiedRows += kept;
        // The writer encodes the kept rows straight from the decoded batch (no filtered copy).
        await ctx.writer.write(batch, keep, content.encodings);
      }
    }
    if (removedWhole) return { ...result, removed: true };
    if (ctx.deletionVectors) {
      const previous = content.deleted ? Array.from(content.deleted.toSortedArray()) : [];
      await addWithDeletionVector(ctx, file, [...previous, ...matchedRows]);
      return { ...result, deletionVectorAdded: true };
    }
    return { ...result, removed: true };
  }
}

/**
 * The rows `hit` selects in buffers of their own when `recycled` (the rewrite pass's buffers are
 * reused once it moves on, and onMatched may keep its rows: MERGE's change data, a violation).
 */
function matchedCopy(batch: RecordBatch, hit: Uint8Array, recycled: boolean): RecordBatch {
  const matched = filterBatch(batch, hit);
  return recycled && matched === batch ? copyBatch(batch) : matched;
}

/** Sets `keep` to 1 for the live rows `hit` does not select (hit holds 0 or 1); returns how many. */
function keepUnmatched(hit: Uint8Array, alive: Uint8Array | undefined, keep: Uint8Array): number {
  let kept = 0;
  if (alive === undefined) {
    for (let row = 0; row < keep.length; row++) {
      const k = 1 - (hit[row] as number);
      keep[row] = k;
      kept += k;
    }
    return kept;
  }
  for (let row = 0; row < keep.length; row++) {
    const k = alive[row] === 1 && hit[row] === 0 ? 1 : 0;
    keep[row] = k;
    kept += k;
  }
  return kept;
}

/**
 * Whether a file's rows can be read again to be written at all: not for deletion vectors without
 * `onMatched`, where the second pass never runs (its matched rows only go into a vector).
 */
function mayWriteRows(ctx: RewriteContext, onMatched: unknown): boolean {
  return onMatched !== undefined || !ctx.deletionVectors;
}

/**
 * Whether the rows seen so far prove that the file's rows will be read again to be written: a
 * matched row that `onMatched` must see, or, copy-on-write, a matched and a kept live row (a file
 * whose every row matches is removed unread). Notes what `hit` shows in `seen`.
 */
function rowsWillBeWritten(
  ctx: RewriteContext, onMatched: unknown, hit: Uint8Array, live: Uint8Array | undefined, seen: { matched: boolean; kept: boolean },
): boolean {
  if (!mayWriteRows(ctx, onMatched)) return false;
  for (let row = 0; row < hit.length && !(seen.matched && seen.kept); row++) {
    if (live !== undefined && live[row] === 0) continue;
    if (hit[row] === 1) seen.matched = true;
    else seen.kept = true;
  }
  return onMatched ? seen.matched : seen.matched && seen.kept;
}
