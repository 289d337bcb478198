import type { Data, RecordBatch } from 'apache-arrow';
import { toArrowSchema } from '../../delta/arrowSchema';
import { DeltaError } from '../../delta/errors';
import type { Predicate } from '../../delta/predicate/ast';
import { compareValues, type NonNullValue } from '../../delta/predicate/typedValue';
import { isValidAt } from '../../arrow/bitmap';
import type { StructField } from '../../delta/schema';
import type { Snapshot } from '../../delta/snapshot';
import { parsePartitionValue } from '../../delta/stats/partitionValue';
import { upgradeProtocol } from '../../delta/transaction/tableProtocol';
import { Transaction } from '../../delta/transaction/transaction';
import { conformBatch } from '../../delta/write/conformBatch';
import { addActionOf } from '../../delta/write/dataFileWriter';
import { fileWriterFor } from '../../delta/write/fileWriterFor';
import { materializedRowFields, withColumnsOf } from '../../delta/write/materializedRowColumns';
import { partitionValueAt } from '../../delta/write/partitionPath';
import { rewriteFile } from '../../delta/write/rewriteFile';
import { openTable, type TableLocation } from '../../delta/write/tableLocation';
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
}

export interface AppliedChanges {
  /** The version committed; undefined when the txn already committed this version (nothing written). */
  version?: number;
  rowsUpserted: number;
  rowsDeleted: number;
  filesAdded: number;
  filesRemoved: number;
}

/**
 * Applies keyed upserts and deletes in ONE commit that also records the source position (txn
 * action, optionally a domainMetadata action): target rows whose key is in the change set are taken
 * out of their files (copy-on-write or deletion vectors), then the upserted rows are written. A
 * crash before the commit leaves the table untouched; after it, the txn version says the position
 * was reached, so a restarted reader resumes after it and a replay is skipped.
 */
export async function applyKeyedChanges(location: TableLocation, changes: KeyedChanges, options: ApplyKeyedChangesOptions): Promise<AppliedChanges> {
  const tx = await Transaction.start(await openTable(location));
  const done = tx.txnVersion(options.txn.appId);
  if (done !== undefined && done >= options.txn.version) return { rowsUpserted: 0, rowsDeleted: 0, filesAdded: 0, filesRemoved: 0 };
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
  let rowsDeleted = 0;
  let filesRemoved = 0;
  try {
    for (const file of candidates) {
      options.signal?.throwIfAborted();
      const rewrite = await rewriteFile(context, file, (batch) => {
        const keyOf = keyReader(keyColumns(batch, keyFields), keyFields);
        const hit = new Uint8Array(batch.numRows);
        for (let row = 0; row < batch.numRows; row++) hit[row] = keys.has(keyOf(row)) ? 1 : 0;
        return hit;
      }, kept && (async (rows) => kept.recordRows(rows, keyReader(keyColumns(rows, keyFields), keyFields))), matchColumns);
      rowsDeleted += rewrite.matchedRows;
      if (rewrite.removed || rewrite.deletionVectorAdded) filesRemoved++;
    }
    let rowsUpserted = 0;
    for (const batch of upserts) {
      rowsUpserted += batch.numRows;
      if (batch.numRows > 0) await writer.write(kept ? kept.withRowIds(batch, keyReader(keyColumns(batch, keyFields), keyFields)) : batch);
    }
    const written = await writer.finish();
    tx.add(...written.map((file) => ({ add: addActionOf(file) })));
    const { version } = await tx.commit({
      operation: options.operation,
      parameters: { appId: options.txn.appId, position: String(options.txn.version), key: [...options.key] },
      metrics: { numSourceRows: rowsUpserted + changes.deletes.reduce((n, b) => n + b.numRows, 0), numTargetRowsRemoved: rowsDeleted, numOutputRows: rowsUpserted, numTargetFilesAdded: written.length, numTargetFilesRemoved: filesRemoved },
    }, options.signal ? { signal: options.signal } : {});
    return { version, rowsUpserted, rowsDeleted, filesAdded: written.length, filesRemoved };
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

/** A row's key: a number for integer keys within ±2^53, else its log text form (the two never collide). */
type RowKey = string | number;

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
