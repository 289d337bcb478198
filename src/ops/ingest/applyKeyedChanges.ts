import type { Data, RecordBatch } from 'apache-arrow';
import { toArrowSchema } from '../../delta/arrowSchema';
import { DeltaError } from '../../delta/errors';
import type { Predicate } from '../../delta/predicate/ast';
import { compareValues, type NonNullValue } from '../../delta/predicate/typedValue';
import { isValidAt } from '../../arrow/bitmap';
import type { StructField } from '../../delta/schema';
import type { Snapshot } from '../../delta/snapshot';
import { parsePartitionValue } from '../../delta/stats/partitionValue';
import type { AddFile } from '../../delta/actions';
import { keepMask } from '../../delta/deletionVectors/keepMask';
import { readDeletionVector } from '../../delta/deletionVectors/readDeletionVector';
import { addWithDeletionVector } from '../../delta/write/addWithDeletionVector';
import { readDataFile } from '../../delta/write/fileRows';
import { removeActionOf } from '../../delta/write/removeAction';
import { upgradeProtocol } from '../../delta/transaction/tableProtocol';
import { Transaction } from '../../delta/transaction/transaction';
import { conformBatch } from '../../delta/write/conformBatch';
import { addActionOf } from '../../delta/write/dataFileWriter';
import { NumberKeyTable } from '../../delta/write/numberKeyTable';
import { fileWriterFor } from '../../delta/write/fileWriterFor';
import { materializedRowFields, withColumnsOf } from '../../delta/write/materializedRowColumns';
import { partitionValueAt } from '../../delta/write/partitionPath';
import { rewriteFile, type RewriteContext } from '../../delta/write/rewriteFile';
import { openTable, type TableLocation } from '../../delta/write/tableLocation';
import type { FileKeyCache, KnownFile, RowKey } from './fileKeyCache';
import { followSourceSchema } from './followSourceSchema';
import { KeptRowIds } from './keptRowIds';

/** The net effect of a run of source changes: at most one entry per key. */
export interface KeyedChanges {
  /** Rows that must exist afterwards, whole, in the source's column order. */
  upserts: readonly RecordBatch[];
  /** Key columns only (named like the table's): rows with these keys must be gone afterwards. */
  deletes: readonly RecordBatch[];
}

export interface ApplyKeyedChangesOptions {
  key: readonly string[];
  /** The position the changes bring the table to ("Transaction Identifiers" in PROTOCOL.md). */
  txn: { appId: string; version: number };
  /** Written in the same commit, e.g. the watermark an incremental run reached. */
  domain?: { name: string; configuration: string };
  operation: string;
  /** Names the source in messages, e.g. `public.items`. */
  source?: string;
  signal?: AbortSignal;
  /**
   * Keys of data files read by earlier applies to the same table (cdc keeps one across its
   * commits); used on deletion-vector tables, where matching needs nothing but the keys.
   */
  keyCache?: FileKeyCache;
}

/** Where an apply spent its time, in milliseconds (wall, on a shared machine). */
export interface ApplyTimings {
  /** Listing and replaying the log into the snapshot the transaction reads. */
  snapshotMs: number;
  /** Finding the changed keys' rows in the candidate files (reading keys, or whole rewrites copy-on-write). */
  matchMs: number;
  /** Writing deletion vectors. */
  deletionVectorMs: number;
  /** Rewriting small files copy-on-write (their rows go out with the upserts: see SMALL_FILE_ROWS). */
  rewriteMs: number;
  /** Live rows those rewrites copied. */
  copiedRows: number;
  /** Encoding and writing the upserted rows. */
  writeMs: number;
  /** The commit (log entry, conflict checks, checkpoint when due). */
  commitMs: number;
  candidateFiles: number;
  /** Candidate files whose keys were decoded from Parquet (the others came from the key cache). */
  filesRead: number;
}

export interface AppliedChanges {
  /** The version committed; undefined when the txn already committed this version (nothing written). */
  version?: number;
  rowsUpserted: number;
  rowsDeleted: number;
  filesAdded: number;
  filesRemoved: number;
  timings: ApplyTimings;
}

/**
 * Applies keyed upserts and deletes in ONE commit that also records the source position (txn
 * action, optionally a domainMetadata action): target rows whose key is in the change set are taken
 * out of their files (copy-on-write or deletion vectors), then the upserted rows are written. A
 * crash before the commit leaves the table untouched; after it, the txn version says the position
 * was reached, so a restarted reader resumes after it and a replay is skipped.
 */
export async function applyKeyedChanges(location: TableLocation, changes: KeyedChanges, options: ApplyKeyedChangesOptions): Promise<AppliedChanges> {
  let clock = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - clock;
    clock = now;
    return ms;
  };
  const tx = await Transaction.start(await openTable(location));
  const timings: ApplyTimings = { snapshotMs: lap(), matchMs: 0, deletionVectorMs: 0, rewriteMs: 0, copiedRows: 0, writeMs: 0, commitMs: 0, candidateFiles: 0, filesRead: 0 };
  const done = tx.txnVersion(options.txn.appId);
  if (done !== undefined && done >= options.txn.version) return { rowsUpserted: 0, rowsDeleted: 0, filesAdded: 0, filesRemoved: 0, timings };
  tx.setTxn(options.txn.appId, options.txn.version);
  if (options.domain) {
    tx.updateProtocol(upgradeProtocol(tx.protocol, ['domainMetadata']));
    tx.add({ domainMetadata: { domain: options.domain.name, configuration: options.domain.configuration, removed: false } });
  }
  const firstUpsert = changes.upserts.find((b) => b.numRows > 0);
  const schemaBefore = tx.metadata.schemaString;
  if (firstUpsert) followSourceSchema(tx, firstUpsert.schema.fields, options.source ?? 'the source');
  const schema = tx.schema;
  const arrowSchema = toArrowSchema(schema);
  const keyFields = options.key.map((name) => {
    const field = schema.fields.find((f) => f.name === name);
    if (!field || (field.type.kind !== 'primitive' && field.type.kind !== 'decimal')) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `Key column "${name}" must be a top-level column of primitive type in the target table.`);
    }
    return field;
  });

  const keys = new Set<RowKey>();
  const range = new KeyRange(keyFields);
  const upserts = changes.upserts.map((batch) => conformBatch(batch, schema, arrowSchema));
  for (const batch of [...upserts, ...changes.deletes]) {
    const columns = keyColumns(batch, keyFields);
    const keyOf = keyReader(columns, keyFields);
    for (let row = 0; row < batch.numRows; row++) {
      const key = keyOf(row);
      if (keys.has(key)) {
        throw new DeltaError('DELTA_INVALID_ARGUMENT', `The source has several rows with the key ${String(key).replace(/^=/, '')}: the key columns [${options.key.join(', ')}] do not identify a row.`);
      }
      keys.add(key);
      range.add(columns, row);
    }
  }

  const snapshot = tx.snapshot as Snapshot;
  const writer = fileWriterFor(tx, options.signal ? { signal: options.signal } : {});
  if (tx.metadata.schemaString !== schemaBefore) {
    // Rows copied out of files written before the schema change lack the added columns or hold a
    // narrower type, and rewriteFile hands them to the writer as they are: conform them first.
    const write = writer.write.bind(writer);
    const hidden = materializedRowFields(tx.metadata);
    writer.write = (batch) => write(withColumnsOf(batch, conformBatch(batch, schema, arrowSchema), hidden));
  }
  const deletionVectors = tx.properties['delta.enableDeletionVectors'] === 'true';
  // On a row-tracking table an upsert of an existing key keeps that row's id (a MERGE's update).
  const kept = KeptRowIds.of<RowKey>(tx.metadata);
  const context = { tx, snapshot, writer, now: Date.now(), deletionVectors };
  // Marking rows in a deletion vector needs only the key columns of a candidate file. A
  // copy-on-write rewrite decodes every column of a file that has matches anyway, and with
  // changes spread over the key range nearly every candidate has some: reading the keys first
  // would decode them twice.
  const matchColumns = deletionVectors ? keyFields.map((f) => f.name) : undefined;
  const where = range.predicate();
  const candidates = keys.size === 0 ? [] : snapshot.scan(where ? { where } : {}).plan();
  if (keys.size > 0) tx.readPredicate(where);
  tx.readFiles(candidates);
  timings.candidateFiles = candidates.length;
  let rowsDeleted = 0;
  let filesRemoved = 0;
  try {
    const match = (batch: RecordBatch): Uint8Array => {
      const keyOf = keyReader(keyColumns(batch, keyFields), keyFields);
      const hit = new Uint8Array(batch.numRows);
      for (let row = 0; row < batch.numRows; row++) hit[row] = keys.has(keyOf(row)) ? 1 : 0;
      return hit;
    };
    let numberKeys: NumberKeyTable | false | undefined;
    const vectorWrites: Array<Promise<void>> = [];
    const onMatched = kept && (async (rows: RecordBatch): Promise<void> => kept.recordRows(rows, keyReader(keyColumns(rows, keyFields), keyFields)));
    lap();
    if (deletionVectors && options.keyCache) {
      numberKeys ??= numberKeyTable(keys);
      const apply: CachedApply = { ctx: context, changed: keys, numberKeys: numberKeys || undefined, keyFields, cache: options.keyCache, timings, lap, kept, match, onMatched };
      const found: FileMatch[] = [];
      for (const file of candidates) {
        options.signal?.throwIfAborted();
        const hits = await matchFile(apply, file);
        if (hits) found.push(hits);
      }
      const small = found.filter((f) => f.matched.length < f.liveRows && f.liveRows - f.matched.length < SMALL_FILE_ROWS);
      // Small files no change touches (new keys only, or changes in another key range) never get
      // a match to fold them: counted from their stats, they fold too once there are enough.
      const touched = new Set(found.map((f) => f.file.path));
      const untouched = snapshot.files().filter((f) => !touched.has(f.path) && (liveRowsInStats(f) ?? SMALL_FILE_ROWS) < SMALL_FILE_ROWS);
      const foldUntouched = small.length + untouched.length >= 2 * FOLD_MIN_FILES;
      const fold = new Set(small.length >= FOLD_MIN_FILES || foldUntouched ? small : []);
      for (const hits of found) {
        options.signal?.throwIfAborted();
        const marked = await takeOut(apply, hits, fold.has(hits));
        rowsDeleted += marked.rows;
        filesRemoved++;
        if (marked.written) vectorWrites.push(marked.written);
      }
      if (foldUntouched) {
        tx.readFiles(untouched);
        for (const file of untouched) {
          options.signal?.throwIfAborted();
          options.keyCache.forget(file.path);
          const rewrite = await rewriteFile({ ...context, deletionVectors: false, rewriteUnmatched: true }, file, match, onMatched);
          timings.copiedRows += rewrite.copiedRows;
          filesRemoved++;
        }
        timings.rewriteMs += lap();
      }
    }
    for (const file of deletionVectors && options.keyCache ? [] : candidates) {
      options.signal?.throwIfAborted();
      timings.filesRead++;
      const rewrite = await rewriteFile(context, file, match, onMatched, matchColumns);
      timings.matchMs += lap();
      rowsDeleted += rewrite.matchedRows;
      if (rewrite.removed || rewrite.deletionVectorAdded) filesRemoved++;
    }
    // Every vector is written before the commit; a failed one fails the apply (after the others settled).
    const failed = (await Promise.allSettled(vectorWrites)).find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    timings.deletionVectorMs += lap();
    let rowsUpserted = 0;
    for (const batch of upserts) {
      rowsUpserted += batch.numRows;
      if (batch.numRows > 0) await writer.write(kept ? kept.withRowIds(batch, keyReader(keyColumns(batch, keyFields), keyFields)) : batch);
    }
    const written = await writer.finish();
    timings.writeMs = lap();
    tx.add(...written.map((file) => ({ add: addActionOf(file) })));
    const { version } = await tx.commit({
      operation: options.operation,
      parameters: { appId: options.txn.appId, position: String(options.txn.version), key: [...options.key] },
      metrics: { numSourceRows: rowsUpserted + changes.deletes.reduce((n, b) => n + b.numRows, 0), numTargetRowsRemoved: rowsDeleted, numOutputRows: rowsUpserted, numTargetFilesAdded: written.length, numTargetFilesRemoved: filesRemoved },
    }, options.signal ? { signal: options.signal } : {});
    timings.commitMs = lap();
    return { version, rowsUpserted, rowsDeleted, filesAdded: written.length, filesRemoved, timings };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

function keyColumns(batch: RecordBatch, keyFields: readonly StructField[]): Data[] {
  return keyFields.map((field) => {
    const index = batch.schema.fields.findIndex((f) => f.name === field.name);
    if (index < 0) throw new DeltaError('DELTA_INVALID_ARGUMENT', `The change rows lack the key column "${field.name}".`);
    return batch.data.children[index] as Data;
  });
}

const NULL_KEY = '\u0000';
const INTEGER_KEYS = new Set(['byte', 'short', 'integer', 'long']);
const TWO_32 = 4294967296;

/**
 * Reads the key of each row of one batch. This runs for every row of every candidate file, so a
 * single integer key column (the usual primary key) is read straight from its buffer as a number;
 * other keys go through their log text form.
 */
function keyReader(columns: readonly Data[], keyFields: readonly StructField[]): (row: number) => RowKey {
  const first = columns[0] as Data;
  const firstType = (keyFields[0] as StructField).type;
  if (keyFields.length === 1 && firstType.kind === 'primitive' && INTEGER_KEYS.has(firstType.name)) {
    const values: unknown = first.values;
    if (values instanceof BigInt64Array) {
      const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
      return (row) => {
        if (!isValidAt(first, row)) return NULL_KEY;
        const at = 2 * (first.offset + row);
        const high = words[at + 1] as number;
        // Within ±2^53 the number is exact; beyond, the decimal text keeps large keys apart.
        if (high >= -0x200000 && high < 0x200000) return high * TWO_32 + ((words[at] as number) >>> 0);
        return `=${String(values[first.offset + row])}`;
      };
    }
    if (values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array) {
      return (row) => isValidAt(first, row) ? values[first.offset + row] as number : NULL_KEY;
    }
  }
  if (keyFields.length === 1) {
    return (row) => {
      const text = partitionValueAt(first, row, firstType, false);
      return text === null ? NULL_KEY : `=${text}`;
    };
  }
  return (row) => JSON.stringify(keyFields.map((field, i) => partitionValueAt(columns[i] as Data, row, field.type, false)));
}

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

interface CachedApply {
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

/**
 * The live rows of `file` whose key changed, from the keys and keep mask in the key cache (the
 * file's key columns and vector are read only when it lacks them); undefined when there are none.
 */
async function matchFile(apply: CachedApply, file: AddFile): Promise<FileMatch | undefined> {
  const { ctx, changed, keyFields, cache, timings, lap } = apply;
  let known = cache.get(file);
  let live = known ? cache.liveRows(file, known) : undefined;
  if (!known) {
    timings.filesRead++;
    const content = await readDataFile(ctx.snapshot, file);
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
    live = keepMask(await readDeletionVector(ctx.snapshot.store, file.deletionVector), 0, known.keys.length);
    cache.rememberLiveRows(known, file.deletionVector, live);
  }
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

/** The keys in a NumberKeyTable, or false when one is not a number. */
function numberKeyTable(keys: ReadonlySet<RowKey>): NumberKeyTable | false {
  let min = Infinity;
  let max = -Infinity;
  for (const key of keys) {
    if (typeof key !== 'number') return false;
    if (key < min) min = key;
    if (key > max) max = key;
  }
  const table = new NumberKeyTable(keys.size > 0 ? min : 0, keys.size > 0 ? max : 0, keys.size);
  let id = 0;
  for (const key of keys) table.insert(key as number, id++);
  return table;
}

/** Per key column, the smallest and largest key seen: only files overlapping it can hold a changed row. */
class KeyRange {
  private readonly bounds: Array<{ min?: NonNullValue; max?: NonNullValue; open: boolean }>;

  constructor(private readonly keyFields: readonly StructField[]) {
    this.bounds = keyFields.map(() => ({ open: false }));
  }

  add(columns: readonly Data[], row: number): void {
    this.keyFields.forEach((field, i) => {
      const bound = this.bounds[i] as { min?: NonNullValue; max?: NonNullValue; open: boolean };
      const text = partitionValueAt(columns[i] as Data, row, field.type, false);
      // NULL keys and binary keys (no text form ordering like the bytes) leave this column unbounded.
      if (text === null || (field.type.kind === 'primitive' && field.type.name === 'binary')) {
        bound.open = true;
        return;
      }
      const value = parsePartitionValue(text, field.type) as NonNullValue;
      if (bound.min === undefined || compareValues(value, bound.min) < 0) bound.min = value;
      if (bound.max === undefined || compareValues(value, bound.max) > 0) bound.max = value;
    });
  }

  predicate(): Predicate | undefined {
    let predicate: Predicate | undefined;
    this.keyFields.forEach((field, i) => {
      const bound = this.bounds[i];
      if (!bound || bound.open || bound.min === undefined || bound.max === undefined) return;
      const column = { path: [field.name], type: field.type };
      const between: Predicate = {
        kind: 'and',
        left: { kind: 'comparison', op: '>=', column, value: bound.min },
        right: { kind: 'comparison', op: '<=', column, value: bound.max },
      };
      predicate = predicate ? { kind: 'and', left: predicate, right: between } : between;
    });
    return predicate;
  }
}
