import type { RecordBatch } from 'apache-arrow';
import { toArrowSchema } from '../../delta/arrowSchema';
import { DeltaError } from '../../delta/errors';
import type { StructField, StructType } from '../../delta/schema';
import { upgradeProtocol } from '../../delta/transaction/tableProtocol';
import { Transaction } from '../../delta/transaction/transaction';
import { conformBatch } from '../../delta/write/conformBatch';
import { DmlWrites } from '../../delta/write/dmlWrites';
import { openTable, type TableLocation } from '../../delta/write/tableLocation';
import { takeOutCachedMatches, type CachedApply } from './cachedKeyMatch';
import type { FileKeyCache, RowKey } from './fileKeyCache';
import { followSourceSchema } from './followSourceSchema';
import { KeptRowIds } from './keptRowIds';
import { KeyedChangeFeed } from './keyedChangeFeed';
import { KeyRange } from './keyRange';
import { keyColumns, keyReader, numberKeyTable } from './rowKeys';

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
  if (firstUpsert) followSourceSchema(tx, firstUpsert.schema.fields, options.source ?? 'the source');
  const schema = tx.schema;
  const arrowSchema = toArrowSchema(schema);
  const keyFields = keyFieldsOf(schema, options.key);
  const upserts = changes.upserts.map((batch) => conformBatch(batch, schema, arrowSchema));
  const { keys, range } = changedKeys([...upserts, ...changes.deletes], keyFields, options.key);

  const writes = new DmlWrites(tx, options.signal ? { signal: options.signal } : {});
  const { snapshot } = writes.context;
  const { deletionVectors } = writes;
  // On a row-tracking table an upsert of an existing key keeps that row's id (a MERGE's update).
  const kept = KeptRowIds.of<RowKey>(tx.metadata);
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
    const vectorWrites: Array<Promise<void>> = [];
    const feed = writes.recordsChanges ? new KeyedChangeFeed(writes, deletedKeys(changes.deletes, keyFields), keyFields) : undefined;
    const onMatched = kept || feed ? async (rows: RecordBatch): Promise<void> => {
      kept?.recordRows(rows, keyReader(keyColumns(rows, keyFields), keyFields));
      await feed?.matched(rows);
    } : undefined;
    lap();
    // The key cache marks rows without decoding them; the change feed needs their pre-images.
    if (deletionVectors && options.keyCache && !feed) {
      const numberKeys = numberKeyTable(keys);
      const apply: CachedApply = { ctx: writes.context, changed: keys, numberKeys: numberKeys || undefined, keyFields, cache: options.keyCache, timings, lap, kept, match, onMatched };
      const takenOut = await takeOutCachedMatches(apply, candidates, options.signal);
      rowsDeleted += takenOut.rowsDeleted;
      filesRemoved += takenOut.filesRemoved;
      vectorWrites.push(...takenOut.vectorWrites);
    } else {
      await writes.rewrite(candidates, () => ({ match, ...(onMatched ? { onMatched } : {}) }), matchColumns);
      timings.filesRead += candidates.length;
      timings.matchMs += lap();
      rowsDeleted += writes.rowsMatched;
      filesRemoved += writes.filesRemoved + writes.deletionVectorsAdded;
    }
    // Every vector is written before the commit; a failed one fails the apply (after the others settled).
    const failed = (await Promise.allSettled(vectorWrites)).find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    timings.deletionVectorMs += lap();
    let rowsUpserted = 0;
    for (const batch of upserts) {
      rowsUpserted += batch.numRows;
      if (batch.numRows === 0) continue;
      const rows = kept ? kept.withRowIds(batch, keyReader(keyColumns(batch, keyFields), keyFields)) : batch;
      await writes.write(rows);
      await feed?.upserted(rows);
    }
    const { filesAdded } = await writes.finish();
    timings.writeMs = lap();
    const version = await writes.commit({
      operation: options.operation,
      parameters: { appId: options.txn.appId, position: String(options.txn.version), key: [...options.key] },
      metrics: { numSourceRows: rowsUpserted + changes.deletes.reduce((n, b) => n + b.numRows, 0), numTargetRowsRemoved: rowsDeleted, numOutputRows: rowsUpserted, numTargetFilesAdded: filesAdded, numTargetFilesRemoved: filesRemoved },
    });
    timings.commitMs = lap();
    return { version, rowsUpserted, rowsDeleted, filesAdded, filesRemoved, timings };
  } catch (error) {
    await writes.abort();
    throw error;
  }
}

/** The keys of the delete rows. */
function deletedKeys(deletes: readonly RecordBatch[], keyFields: readonly StructField[]): Set<RowKey> {
  const keys = new Set<RowKey>();
  for (const batch of deletes) {
    const keyOf = keyReader(keyColumns(batch, keyFields), keyFields);
    for (let row = 0; row < batch.numRows; row++) keys.add(keyOf(row));
  }
  return keys;
}

/** The table's fields of the key columns, which must be top-level primitive columns (their values have a text form). */
function keyFieldsOf(schema: StructType, key: readonly string[]): StructField[] {
  return key.map((name) => {
    const field = schema.fields.find((f) => f.name === name);
    if (!field || (field.type.kind !== 'primitive' && field.type.kind !== 'decimal')) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `Key column "${name}" must be a top-level column of primitive type in the target table.`);
    }
    return field;
  });
}

/**
 * The keys of all change rows and their range. A key seen twice means the key columns do not
 * identify a row, and the net effect of the changes would depend on their order: refused.
 */
function changedKeys(batches: readonly RecordBatch[], keyFields: readonly StructField[], key: readonly string[]): { keys: Set<RowKey>; range: KeyRange } {
  const keys = new Set<RowKey>();
  const range = new KeyRange(keyFields);
  for (const batch of batches) {
    const columns = keyColumns(batch, keyFields);
    const keyOf = keyReader(columns, keyFields);
    for (let row = 0; row < batch.numRows; row++) {
      const rowKey = keyOf(row);
      if (keys.has(rowKey)) {
        throw new DeltaError('DELTA_INVALID_ARGUMENT', `The source has several rows with the key ${String(rowKey).replace(/^=/, '')}: the key columns [${key.join(', ')}] do not identify a row.`);
      }
      keys.add(rowKey);
      range.add(columns, row);
    }
  }
  return { keys, range };
}
