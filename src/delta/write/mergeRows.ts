import type { Data, RecordBatch } from 'apache-arrow';
import { filterBatch } from '../../arrow/takeRows';
import { toArrowSchema } from '../arrowSchema';
import { DeltaError } from '../errors';
import type { Predicate } from '../predicate/ast';
import { columnsOf } from '../predicate/columnsOf';
import { evaluatePredicate } from '../predicate/evaluatePredicate';
import { parsePredicate } from '../predicate/parsePredicate';
import { compareValues, type NonNullValue } from '../predicate/typedValue';
import type { StructField } from '../schema';
import type { Snapshot } from '../snapshot';
import { parsePartitionValue } from '../stats/partitionValue';
import { Transaction } from '../transaction/transaction';
import type { BatchSource } from './batchSource';
import { ChangeDataWriter } from './changeDataWriter';
import { conformBatch } from './conformBatch';
import { ConstraintChecker, tableConstraints } from './constraints';
import { addActionOf } from './dataFileWriter';
import { deltaSchemaFromArrow } from './deltaTypeFromArrow';
import { evolveSchema } from './evolveSchema';
import { fileWriterFor, type FileWriterOptions } from './fileWriterFor';
import { partitionValueAt } from './partitionPath';
import { rewriteFile } from './rewriteFile';
import { openTable, type TableLocation } from './tableLocation';
import type { OperationOptions, WriteSummary } from './writeSummary';

export interface MergeOptions extends OperationOptions, FileWriterOptions {
  /** Columns identifying a row in both the table and the source. */
  key: string[];
  /** A predicate on SOURCE rows: a matched target row is deleted instead of updated when it holds. */
  deleteWhen?: string;
  /** Matched target rows take the source row (default) or stay as they are. */
  whenMatched?: 'update' | 'ignore';
  /** Unmatched source rows are inserted (default) or dropped. */
  whenNotMatched?: 'insert' | 'ignore';
  /** Add the source's extra columns to the table (columns only deleteWhen uses are never added). */
  mergeSchema?: boolean;
  /** Use deletion vectors; by default when the table has `delta.enableDeletionVectors` = true. */
  deletionVectors?: boolean;
}

export interface MergeSummary extends WriteSummary {
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
}

interface SourceBatch {
  /** In the table's logical types. */
  rows: RecordBatch;
  /** 1 where deleteWhen holds. */
  deletes: Uint8Array;
  /** 1 where the row matched at least one target row. */
  matched: Uint8Array;
}

interface SourceRef { batch: SourceBatch; row: number }

/**
 * MERGE INTO table USING source ON key equality, with matched-update (all columns from the
 * source), matched-delete when `deleteWhen` holds on the source row, and not-matched-insert.
 * The source is held in memory with an index on its key; only target files whose key statistics
 * overlap the source's key range are read, and only those with matches are rewritten (or given
 * deletion vectors). Two source rows with the same key matching a target row are an error, as in
 * Spark, since the result would depend on their order.
 */
export async function mergeRows(location: TableLocation, source: BatchSource, options: MergeOptions): Promise<MergeSummary> {
  if (options.key.length === 0) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'MERGE needs at least one key column.');
  const tx = await Transaction.start(await openTable(location));
  const snapshot = tx.snapshot as Snapshot;
  const raw: RecordBatch[] = [];
  for await (const batch of source) if (batch.numRows > 0) raw.push(batch);
  const first = raw[0];
  if (!first) return { version: tx.readVersion, rowsAdded: 0, rowsRemoved: 0, filesAdded: 0, filesRemoved: 0, bytesAdded: 0, rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0 };
  const deleteWhen = options.deleteWhen !== undefined ? parsePredicate(options.deleteWhen, deltaSchemaFromArrow(first.schema)) : undefined;
  const conditionOnly = new Set((deleteWhen ? columnsOf(deleteWhen) : []).map((path) => path[0] as string)
    .filter((name) => !tx.schema.fields.some((f) => f.name.toLowerCase() === name.toLowerCase())));
  evolveSchema(tx, first.schema.fields.filter((f) => !conditionOnly.has(f.name)), options.mergeSchema ?? false);

  const schema = tx.schema;
  const arrowSchema = toArrowSchema(schema);
  const keyFields = options.key.map((name) => {
    const field = schema.fields.find((f) => f.name === name) ?? schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!field) throw new DeltaError('DELTA_INVALID_ARGUMENT', `MERGE key column "${name}" is not a top-level column of the table.`);
    if (field.type.kind !== 'primitive' && field.type.kind !== 'decimal') {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `MERGE key column "${name}" must have a primitive type, not ${field.type.kind}.`);
    }
    return field;
  });
  const sources: SourceBatch[] = raw.map((batch) => ({
    rows: conformBatch(batch, schema, arrowSchema),
    deletes: deleteWhen ? evaluatePredicate(deleteWhen, batch, deltaSchemaFromArrow(batch.schema)) : new Uint8Array(batch.numRows),
    matched: new Uint8Array(batch.numRows),
  }));
  const index = indexSource(sources, keyFields);
  const updates = (options.whenMatched ?? 'update') === 'update';
  const inserts = (options.whenNotMatched ?? 'insert') === 'insert';

  const writer = fileWriterFor(tx, options);
  const changes = tx.properties['delta.enableChangeDataFeed'] === 'true' ? new ChangeDataWriter(tx, options) : undefined;
  const checker = new ConstraintChecker(tableConstraints(schema, tx.properties), schema);
  const context = {
    tx, snapshot, writer, now: Date.now(),
    deletionVectors: options.deletionVectors ?? tx.properties['delta.enableDeletionVectors'] === 'true',
  };
  // No source key can match anything when every key is NULL; otherwise read the files in range.
  const range = keyRangePredicate(index.keys, keyFields);
  const candidates = index.rows.size === 0 ? [] : snapshot.scan(range ? { where: range } : {}).plan();
  if (index.rows.size > 0) tx.readPredicate(range);
  tx.readFiles(candidates);

  let rowsUpdated = 0;
  let rowsDeleted = 0;
  let rowsCopied = 0;
  let filesRemoved = 0;
  const lookup = (row: number, columns: Data[]): SourceRef | undefined => {
    const key = keyOf(columns, keyFields, row);
    if (key === undefined) return undefined;
    const ref = index.rows.get(key);
    if (ref && index.duplicates.has(key)) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT',
        `MERGE failed: several source rows have the key ${key} and match the same target row; make the source keys unique.`);
    }
    return ref;
  };
  const keyColumns = (batch: RecordBatch): Data[] => keyFields.map((f) => batch.data.children[batch.schema.fields.findIndex((x) => x.name === f.name)] as Data);
  const match = (batch: RecordBatch): Uint8Array => {
    const columns = keyColumns(batch);
    const out = new Uint8Array(batch.numRows);
    for (let row = 0; row < batch.numRows; row++) {
      const ref = lookup(row, columns);
      if (!ref) continue;
      ref.batch.matched[ref.row] = 1;
      const deletes = ref.batch.deletes[ref.row] === 1;
      if (deletes || updates) out[row] = 1;
    }
    return out;
  };
  const onMatched = async (rows: RecordBatch): Promise<void> => {
    const columns = keyColumns(rows);
    const deleted = new Uint8Array(rows.numRows);
    for (let row = 0; row < rows.numRows; row++) {
      const ref = lookup(row, columns) as SourceRef;
      deleted[row] = ref.batch.deletes[ref.row] ?? 0;
    }
    const deletedCount = deleted.reduce((n, d) => n + d, 0);
    rowsDeleted += deletedCount;
    rowsUpdated += rows.numRows - deletedCount;
    if (changes) {
      await changes.write(filterBatch(rows, deleted), 'delete');
      await changes.write(filterBatch(rows, deleted.map((d) => 1 - d)), 'update_preimage');
    }
  };

  try {
    for (const [i, file] of candidates.entries()) {
      options.signal?.throwIfAborted();
      const rewrite = await rewriteFile(context, file, match, onMatched);
      rowsCopied += rewrite.copiedRows;
      if (rewrite.removed) filesRemoved++;
      options.onProgress?.(i + 1, candidates.length, file.path);
    }
    let rowsInserted = 0;
    for (const batch of sources) {
      const write = new Uint8Array(batch.rows.numRows);
      const inserted = new Uint8Array(batch.rows.numRows);
      for (let row = 0; row < write.length; row++) {
        if (batch.matched[row] === 1) write[row] = updates && batch.deletes[row] === 0 ? 1 : 0;
        else write[row] = inserted[row] = inserts ? 1 : 0;
      }
      const rows = filterBatch(batch.rows, write);
      if (rows.numRows === 0 || !checker.check(rows) || checker.hasViolations) continue;
      rowsInserted += inserted.reduce((n, v) => n + v, 0);
      await writer.write(rows);
      if (changes) {
        await changes.write(filterBatch(batch.rows, inserted), 'insert');
        await changes.write(filterBatch(batch.rows, write.map((w, row) => w & (1 - (inserted[row] ?? 0)))), 'update_postimage');
      }
    }
    checker.throwIfViolated('The MERGE');
    const written = await writer.finish();
    const cdc = changes ? await changes.finish() : [];
    tx.add(...written.map((file) => ({ add: addActionOf(file) })), ...cdc.map((file) => ({ cdc: file })));
    const bytesAdded = written.reduce((n, f) => n + f.size, 0);
    const numSourceRows = sources.reduce((n, b) => n + b.rows.numRows, 0);
    const { version } = await tx.commit({
      operation: 'MERGE',
      parameters: {
        predicate: keyFields.map((f) => `target.${f.name} = source.${f.name}`).join(' AND '),
        matchedPredicates: [
          ...(options.deleteWhen !== undefined ? [{ predicate: options.deleteWhen, actionType: 'delete' }] : []),
          ...(updates ? [{ actionType: 'update' }] : []),
        ],
        notMatchedPredicates: inserts ? [{ actionType: 'insert' }] : [],
      },
      metrics: {
        numSourceRows,
        numTargetRowsInserted: rowsInserted,
        numTargetRowsUpdated: rowsUpdated,
        numTargetRowsDeleted: rowsDeleted,
        numTargetRowsCopied: rowsCopied,
        numTargetFilesAdded: written.length,
        numTargetFilesRemoved: filesRemoved,
        numTargetChangeFilesAdded: cdc.length,
        numOutputRows: rowsInserted + rowsUpdated + rowsCopied,
        numTargetBytesAdded: bytesAdded,
      },
    }, options.signal ? { signal: options.signal } : {});
    return {
      version,
      rowsAdded: rowsInserted + rowsUpdated,
      rowsRemoved: rowsUpdated + rowsDeleted,
      filesAdded: written.length,
      filesRemoved,
      bytesAdded,
      rowsInserted,
      rowsUpdated,
      rowsDeleted,
    };
  } catch (error) {
    await writer.abort();
    await changes?.abort();
    throw error;
  }
}

interface SourceIndex {
  rows: Map<string, SourceRef>;
  duplicates: Set<string>;
  /** The typed key values per key column (non-null), for the file-skipping range. */
  keys: NonNullValue[][];
}

function indexSource(sources: readonly SourceBatch[], keyFields: readonly StructField[]): SourceIndex {
  const rows = new Map<string, SourceRef>();
  const duplicates = new Set<string>();
  const keys: NonNullValue[][] = keyFields.map(() => []);
  const ranges: Array<{ min?: NonNullValue; max?: NonNullValue }> = keyFields.map(() => ({}));
  for (const batch of sources) {
    const columns = keyFields.map((f) => batch.rows.data.children[batch.rows.schema.fields.findIndex((x) => x.name === f.name)] as Data);
    for (let row = 0; row < batch.rows.numRows; row++) {
      const key = keyOf(columns, keyFields, row);
      if (key === undefined) continue;
      if (rows.has(key)) duplicates.add(key);
      else rows.set(key, { batch, row });
      keyFields.forEach((field, i) => {
        // Binary keys have no text form that orders like the bytes: no range, every file is read.
        if (field.type.kind === 'primitive' && field.type.name === 'binary') return;
        const value = parsePartitionValue(partitionValueAt(columns[i] as Data, row, field.type, false), field.type) as NonNullValue;
        const range = ranges[i] as { min?: NonNullValue; max?: NonNullValue };
        if (range.min === undefined || compareValues(value, range.min) < 0) range.min = value;
        if (range.max === undefined || compareValues(value, range.max) > 0) range.max = value;
      });
    }
  }
  ranges.forEach((range, i) => {
    if (range.min !== undefined && range.max !== undefined) (keys[i] as NonNullValue[]).push(range.min, range.max);
  });
  return { rows, duplicates, keys };
}

/** The key of a row: its key cells in log text form; undefined when one is NULL (NULL never matches). */
function keyOf(columns: readonly Data[], keyFields: readonly StructField[], row: number): string | undefined {
  const cells: string[] = [];
  for (const [i, field] of keyFields.entries()) {
    const cell = partitionValueAt(columns[i] as Data, row, field.type, false);
    if (cell === null) return undefined;
    cells.push(cell);
  }
  return JSON.stringify(cells);
}

/** `k >= min AND k <= max` for the key columns with a range: the target files that may hold a match. */
function keyRangePredicate(keys: readonly NonNullValue[][], keyFields: readonly StructField[]): Predicate | undefined {
  let predicate: Predicate | undefined;
  for (const [i, field] of keyFields.entries()) {
    const [min, max] = keys[i] ?? [];
    if (min === undefined || max === undefined) continue;
    const column = { path: [field.name], type: field.type };
    const range: Predicate = {
      kind: 'and',
      left: { kind: 'comparison', op: '>=', column, value: min },
      right: { kind: 'comparison', op: '<=', column, value: max },
    };
    predicate = predicate ? { kind: 'and', left: predicate, right: range } : range;
  }
  return predicate;
}
