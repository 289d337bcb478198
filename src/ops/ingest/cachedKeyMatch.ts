import type { RecordBatch } from 'apache-arrow';
import type { AddFile } from '../../delta/actions';
import { keepMask } from '../../delta/deletionVectors/keepMask';
import { readDeletionVector } from '../../delta/deletionVectors/readDeletionVector';
import type { StructField } from '../../delta/schema';
import { addWithDeletionVector } from '../../delta/write/addWithDeletionVector';
import { readDataFile } from '../../delta/write/fileRows';
import type { NumberKeyTable } from '../../delta/write/numberKeyTable';
import { removeActionOf } from '../../delta/write/removeAction';
import { rewriteFile, type RewriteContext } from '../../delta/write/rewriteFile';
import type { Snapshot } from '../../delta/snapshot';
import type { ApplyTimings } from './applyKeyedChanges';
import type { FileKeyCache, KnownFile, RowKey } from './fileKeyCache';
import type { KeptRowIds } from './keptRowIds';
import { keyColumns, keyReader } from './rowKeys';

/**
 * Files with changed rows that would keep fewer live rows than this are small. Every cdc commit
 * adds a file of its upserts and, with changes spread over the keys, marks rows in nearly every
 * file: marking them all in deletion vectors, the files (and the vectors written per commit) would
 * grow by one per commit for as long as the follower runs. Once FOLD_MIN_FILES small files have
 * changed rows in one commit, they are all rewritten copy-on-write instead, their survivors written
 * with the upserts into that commit's file, which then holds about SMALL_FILE_ROWS rows or more; a
 * large file whose rows were mostly replaced is folded the same way. The table keeps about one file
 * per SMALL_FILE_ROWS live rows, and a row is copied about once on its way into a large file.
 * Small files without changed rows (an insert-only stream) fold with them once 2 x FOLD_MIN_FILES
 * small files gather.
 * (Measured at 10,000 changes/s: folding the newest file into every commit copied each row two to
 * three times, 400,000 rows for 300,000 changes; a separate compaction every 8 commits stalled the
 * stream for seconds at a time.)
 */
const SMALL_FILE_ROWS = 16_384;
const FOLD_MIN_FILES = 4;

/** A candidate file's rows whose key changed (row indexes), with what matching learnt of it. */
interface FileMatch {
  file: AddFile;
  known: KnownFile;
  live: Uint8Array | undefined;
  matched: number[];
  liveRows: number;
}

/** What taking out the rows of one apply's changed keys with the key cache needs. */
export interface CachedApply {
  ctx: RewriteContext;
  changed: ReadonlySet<RowKey>;
  /** The changed keys in a NumberKeyTable when they are all numbers. */
  numberKeys: NumberKeyTable | undefined;
  keyFields: readonly StructField[];
  cache: FileKeyCache;
  timings: ApplyTimings;
  lap: () => number;
  kept: KeptRowIds<RowKey> | undefined;
  /** For copy-on-write rewrites, which decode every column anyway. */
  match: (batch: RecordBatch) => Uint8Array;
  onMatched: ((rows: RecordBatch) => Promise<void>) | undefined;
}

/** What taking out the candidates' matched rows amounted to. */
export interface CachedTakeOut {
  rowsDeleted: number;
  filesRemoved: number;
  /** Deletion vector writes still under way: the caller awaits them all before committing. */
  vectorWrites: Array<Promise<void>>;
}

/**
 * Takes the rows of the changed keys out of the candidate files, matching them against the keys in
 * the key cache (deletion-vector tables only), and folds small files copy-on-write (see
 * SMALL_FILE_ROWS).
 */
export async function takeOutCachedMatches(apply: CachedApply, candidates: readonly AddFile[], signal: AbortSignal | undefined): Promise<CachedTakeOut> {
  const { ctx, cache, timings, lap } = apply;
  let rowsDeleted = 0;
  let filesRemoved = 0;
  const vectorWrites: Array<Promise<void>> = [];
  const found: FileMatch[] = [];
  for (const file of candidates) {
    signal?.throwIfAborted();
    const hits = await matchFile(apply, file);
    if (hits) found.push(hits);
  }
  const small = found.filter((f) => f.matched.length < f.liveRows && f.liveRows - f.matched.length < SMALL_FILE_ROWS);
  // Small files no change touches (new keys only, or changes in another key range) never get
  // a match to fold them: counted from their stats, they fold too once there are enough.
  const touched = new Set(found.map((f) => f.file.path));
  const untouched = ctx.snapshot.files().filter((f) => !touched.has(f.path) && (liveRowsInStats(f) ?? SMALL_FILE_ROWS) < SMALL_FILE_ROWS);
  const foldUntouched = small.length + untouched.length >= 2 * FOLD_MIN_FILES;
  const fold = new Set(small.length >= FOLD_MIN_FILES || foldUntouched ? small : []);
  for (const hits of found) {
    signal?.throwIfAborted();
    const marked = await takeOut(apply, hits, fold.has(hits));
    rowsDeleted += marked.rows;
    filesRemoved++;
    if (marked.written) vectorWrites.push(marked.written);
  }
  if (foldUntouched) {
    ctx.tx.readFiles(untouched);
    for (const file of untouched) {
      signal?.throwIfAborted();
      cache.forget(file.path);
      const rewrite = await rewriteFile({ ...ctx, deletionVectors: false, rewriteUnmatched: true }, file, apply.match, apply.onMatched);
      timings.copiedRows += rewrite.copiedRows;
      filesRemoved++;
    }
    timings.rewriteMs += lap();
  }
  return { rowsDeleted, filesRemoved, vectorWrites };
}

/**
 * The live rows of `file` whose key changed, from the keys and keep mask in the key cache (the
 * file's key columns and vector are read only when it lacks them); undefined when there are none.
 */
async function matchFile(apply: CachedApply, file: AddFile): Promise<FileMatch | undefined> {
  const { ctx, changed, keyFields, cache, timings, lap } = apply;
  const { known, live } = await cachedOrRead(ctx.snapshot, file, keyFields, cache, timings);
  const { keys } = known;
  const matched: number[] = [];
  let liveRows = 0;
  const table = apply.numberKeys;
  if (table && keys instanceof Float64Array) {
    // The hot loop of a cdc commit: every row of every candidate file, probed in typed arrays.
    for (let row = 0; row < keys.length; row++) {
      if (live && live[row] === 0) continue;
      liveRows++;
      if (table.get(keys[row] as number) >= 0) matched.push(row);
    }
  } else {
    for (let row = 0; row < keys.length; row++) {
      if (live && live[row] === 0) continue;
      liveRows++;
      if (changed.has(keys[row] as RowKey)) matched.push(row);
    }
  }
  timings.matchMs += lap();
  return matched.length === 0 ? undefined : { file, known, live, matched, liveRows };
}

/**
 * The file's keys and keep mask from the cache, else read from the file (its key columns only) and
 * its deletion vector, and remembered; `timings.filesRead` counts the reads.
 */
async function cachedOrRead(snapshot: Snapshot, file: AddFile, keyFields: readonly StructField[], cache: FileKeyCache, timings?: ApplyTimings): Promise<{ known: KnownFile; live: Uint8Array | undefined }> {
  let known = cache.get(file);
  let live = known ? cache.liveRows(file, known) : undefined;
  if (!known) {
    if (timings) timings.filesRead++;
    const content = await readDataFile(snapshot, file);
    let numbers: Float64Array | undefined = new Float64Array(content.rows);
    let mixed: RowKey[] | undefined;
    for await (const piece of content.batchesOf(keyFields.map((f) => f.name))) {
      const keyOf = keyReader(keyColumns(piece.batch, keyFields), keyFields);
      for (let row = 0; row < piece.batch.numRows; row++) {
        const key = keyOf(row);
        if (numbers && typeof key === 'number') {
          numbers[piece.rowOffset + row] = key;
          continue;
        }
        if (numbers) {
          mixed = Array.from(numbers);
          numbers = undefined;
        }
        (mixed as RowKey[])[piece.rowOffset + row] = key;
      }
    }
    known = cache.remember(file, numbers ?? (mixed as RowKey[]));
    if (content.deleted && file.deletionVector) {
      live = keepMask(content.deleted, 0, content.rows);
      cache.rememberLiveRows(known, file.deletionVector, live);
    }
  } else if (file.deletionVector && !live) {
    live = keepMask(await readDeletionVector(snapshot.store, file.deletionVector), 0, known.keys.length);
    cache.rememberLiveRows(known, file.deletionVector, live);
  }
  return { known, live };
}

/**
 * Reads the keys (and keep masks) of the snapshot's data files into `cache`, largest files first,
 * as far as the cache holds them: what the first applies would otherwise read while changes wait.
 * A follower does this before it streams, so its first commit costs what later ones do. Only for
 * tables whose applies use the cache (deletion vectors, no change data feed).
 */
export async function warmKeyCache(snapshot: Snapshot, key: readonly string[], cache: FileKeyCache, signal?: AbortSignal): Promise<number> {
  const properties = snapshot.metadata.configuration ?? {};
  if (properties['delta.enableDeletionVectors'] !== 'true' || properties['delta.enableChangeDataFeed'] === 'true') return 0;
  const keyFields = key.flatMap((name) => snapshot.schema.fields.filter((f) => f.name === name && (f.type.kind === 'primitive' || f.type.kind === 'decimal')));
  // A key the table lacks (or of another kind) is refused by the apply, with its message.
  if (keyFields.length !== key.length) return 0;
  let rows = 0;
  const files = [...snapshot.files()].sort((a, b) => b.size - a.size);
  for (const file of files) {
    signal?.throwIfAborted();
    const records = liveRowsInStats(file);
    if (records !== undefined && rows + records > cache.maxRows) continue;
    const { known } = await cachedOrRead(snapshot, file, keyFields, cache);
    rows += known.keys.length;
  }
  return cache.size;
}

/**
 * Takes a file's matched rows out of the table: rewrites it copy-on-write when `fold` (see
 * SMALL_FILE_ROWS), removes it when they are all its live rows, else marks them in a deletion
 * vector. Returns the rows taken out and, for a vector, its write, which the caller awaits before
 * committing.
 */
async function takeOut(apply: CachedApply, hits: FileMatch, fold: boolean): Promise<{ rows: number; written?: Promise<void> }> {
  const { ctx, cache, timings, lap, kept } = apply;
  const { file, known, live, matched, liveRows } = hits;
  const { keys } = known;
  if (fold) {
    cache.forget(file.path);
    const rewrite = await rewriteFile({ ...ctx, deletionVectors: false }, file, apply.match, apply.onMatched);
    timings.rewriteMs += lap();
    timings.copiedRows += rewrite.copiedRows;
    return { rows: rewrite.matchedRows };
  }
  await kept?.recordFileRows(ctx.snapshot, file, matched, keys);
  ctx.tx.add(removeActionOf(file, ctx.now));
  if (matched.length === liveRows) {
    cache.forget(file.path);
    return { rows: matched.length };
  }
  const next = live ? live.slice() : new Uint8Array(keys.length).fill(1);
  for (const row of matched) next[row] = 0;
  const deleted: number[] = [];
  for (let row = 0; row < next.length; row++) if (next[row] === 0) deleted.push(row);
  // Written while the next files are taken out: on a busy machine each file write waits for
  // several turns of the event loop, and a commit writes one vector per file it marks rows in.
  const written = addWithDeletionVector(ctx, file, deleted).then((descriptor) => {
    // The vector committed with this file is this one: the next apply need not read it back.
    cache.rememberLiveRows(known, descriptor, next);
  });
  // Awaited (allSettled) before the commit; if the apply fails before that, an unreferenced vector is all that is left.
  written.catch(() => undefined);
  timings.deletionVectorMs += lap();
  return { rows: matched.length, written };
}

/** Live rows of a file by its statistics (numRecords less its deletion vector's rows); undefined without them. */
function liveRowsInStats(file: AddFile): number | undefined {
  const records = file.stats ? /"numRecords"\s*:\s*(\d+)/.exec(file.stats)?.[1] : undefined;
  return records === undefined ? undefined : Number(records) - (file.deletionVector?.cardinality ?? 0);
}
