import type { Schema } from 'apache-arrow';
import { toArrowSchema } from '../arrowSchema';
import { DeltaError } from '../errors';
import { parsePredicate } from '../predicate/parsePredicate';
import type { DataType, StructType } from '../schema';
import type { CommitOperation } from '../transaction/commitInfo';
import { startCreateTable } from '../transaction/createTable';
import { Transaction } from '../transaction/transaction';
import { peekable, type BatchSource } from './batchSource';
import { conformBatch } from './conformBatch';
import { ConstraintChecker, tableConstraints, type TableConstraint } from './constraints';
import { addActionOf, type DataFileWriter } from './dataFileWriter';
import { deltaSchemaFromArrow } from './deltaTypeFromArrow';
import { evolveSchema } from './evolveSchema';
import { appendFileWriterFor, fileWriterFor, type FileWriterOptions } from './fileWriterFor';
import { stageDelete, type StagedDelete } from './stageDelete';
import { stageRemoveAll } from './stageRemoveAll';
import { openIfExists, storeOf, type TableLocation } from './tableLocation';
import type { OperationOptions, WriteSummary } from './writeSummary';
import { reconcileWriteSchema } from './writeSchema';

/** What to do when the table exists: `error` refuses, `ignore` writes nothing; all create a missing table. */
export type WriteMode = 'append' | 'overwrite' | 'error' | 'ignore';

export interface WriteTableOptions extends OperationOptions, FileWriterOptions {
  mode?: WriteMode;
  /** Partition columns of a table being created; for an existing table they must match its own. */
  partitionBy?: string[];
  mergeSchema?: boolean;
  /** Overwrite only the rows matching this predicate; every written row must match it. */
  replaceWhere?: string;
  /** Table properties of a table being created. */
  properties?: Record<string, string>;
  /** The schema of a table being created (else it is taken from the data). */
  schema?: StructType;
  /** Idempotent write: skipped when this appId already committed this version or a later one. */
  txn?: { appId: string; version: number };
}

const MODE_NAMES: Record<WriteMode, string> = { append: 'Append', overwrite: 'Overwrite', error: 'ErrorIfExists', ignore: 'Ignore' };

/**
 * Writes record batches into a Delta table (creating it when missing) in one commit: append,
 * overwrite, overwrite of the rows matching replaceWhere, with schema enforcement or merging and
 * every NOT NULL and CHECK constraint checked; a violation refuses the whole write.
 */
export async function writeTable(location: TableLocation, input: BatchSource, options: WriteTableOptions = {}): Promise<WriteSummary> {
  const mode = options.mode ?? 'append';
  const batches = peekable(input);
  const first = await batches.peek();
  const existing = await openIfExists(location);
  let tx: Transaction;
  if (existing) {
    if (mode === 'error') {
      throw new DeltaError('DELTA_TABLE_EXISTS', `A Delta table already exists at ${existing.root}; use mode append, overwrite or ignore.`);
    }
    tx = await Transaction.start(existing);
    if (mode === 'ignore') return emptySummary(tx.readVersion);
    checkPartitioning(tx, options.partitionBy);
    if (first) evolveSchema(tx, first.schema.fields, options.mergeSchema ?? false);
  } else {
    const schema = options.schema ?? (first ? nullable(deltaSchemaFromArrow(first.schema)) : undefined);
    if (!schema) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'Cannot create a table from no data without a schema.');
    tx = await startCreateTable(storeOf(location), {
      schema, partitionColumns: options.partitionBy ?? [], properties: options.properties ?? {},
    });
  }
  if (options.txn) {
    const done = tx.txnVersion(options.txn.appId);
    if (done !== undefined && done >= options.txn.version) return emptySummary(tx.readVersion);
    tx.setTxn(options.txn.appId, options.txn.version);
  }

  const schema = tx.schema;
  const constraints: TableConstraint[] = tableConstraints(schema, tx.properties);
  const replaceWhere = options.replaceWhere === undefined ? undefined : parsePredicate(options.replaceWhere, schema);
  if (replaceWhere && options.replaceWhere !== undefined) {
    constraints.push({
      kind: 'check', name: 'replaceWhere', expression: options.replaceWhere, predicate: replaceWhere,
      rule: `rows must match replaceWhere (${options.replaceWhere})`,
    });
  }
  const checker = new ConstraintChecker(constraints, schema);
  const writer = appendFileWriterFor(tx, options);
  const arrowSchema = toArrowSchema(schema);
  const reconciled = new WeakSet<Schema>([...(first ? [first.schema] : [])]);
  let rowsAdded = 0;
  try {
    for await (const batch of batches) {
      options.signal?.throwIfAborted();
      if (!reconciled.has(batch.schema)) {
        reconcileWriteSchema(schema, batch.schema.fields);
        reconciled.add(batch.schema);
      }
      const conformed = conformBatch(batch, schema, arrowSchema);
      // After a violation keep counting offenders, but stop writing files nobody will commit.
      if (!checker.check(conformed) || checker.hasViolations) continue;
      rowsAdded += conformed.numRows;
      await writer.write(conformed);
      // The input's size is unknown up front: total 0 (see ProgressCallback).
      options.onProgress?.(rowsAdded, 0, 'rows written');
    }
    checker.throwIfViolated();
  } catch (error) {
    await writer.abort();
    throw error;
  }

  let removed: StagedDelete | undefined;
  let copies: DataFileWriter | undefined;
  let filesRemoved = 0;
  if (existing && mode === 'overwrite') {
    const snapshot = tx.snapshot;
    if (replaceWhere) {
      // The rows it copies keep their ids, in files of their own with the materialized columns, as Spark writes them.
      copies = fileWriterFor(tx, options);
      try {
        removed = await stageDelete(tx, replaceWhere, { writer: copies, deletionVectors: false, ...signalOf(options) });
      } catch (error) {
        await Promise.all([writer.abort(), copies.abort()]);
        throw error;
      }
      filesRemoved = removed.filesRemoved;
    } else if (snapshot) {
      filesRemoved = stageRemoveAll(tx, snapshot);
      removed = { rowsRemoved: 0, rowsCopied: 0, filesRemoved, deletionVectorsAdded: 0 };
    }
  }
  const written = [...await writer.finish(), ...await copies?.finish() ?? []];
  tx.add(...written.map((file) => ({ add: addActionOf(file) })));
  const bytesAdded = written.reduce((n, f) => n + f.size, 0);
  const operation: CommitOperation = {
    operation: 'WRITE',
    parameters: {
      mode: MODE_NAMES[mode],
      partitionBy: tx.partitionColumns,
      ...(options.replaceWhere === undefined ? {} : { predicate: [options.replaceWhere] }),
    },
    metrics: {
      numFiles: written.length,
      numOutputRows: rowsAdded,
      numOutputBytes: bytesAdded,
      ...(removed ? { numRemovedFiles: filesRemoved, numCopiedRows: removed.rowsCopied } : {}),
    },
  };
  const { version } = await tx.commit(operation, signalOf(options));
  return {
    version,
    rowsAdded,
    rowsRemoved: removed?.rowsRemoved ?? 0,
    filesAdded: written.length,
    filesRemoved,
    bytesAdded,
  };
}

function emptySummary(version: number): WriteSummary {
  return { version, rowsAdded: 0, rowsRemoved: 0, filesAdded: 0, filesRemoved: 0, bytesAdded: 0 };
}

function signalOf(options: OperationOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

function checkPartitioning(tx: Transaction, partitionBy: string[] | undefined): void {
  if (partitionBy === undefined) return;
  const current = tx.partitionColumns;
  if (partitionBy.length !== current.length || partitionBy.some((c, i) => c.toLowerCase() !== current[i]?.toLowerCase())) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT',
      `The table is partitioned by [${current.join(', ')}], not [${partitionBy.join(', ')}]; leave out the partitioning or write to a new table.`);
  }
}

/** Tables created from data accept NULL everywhere, as Spark makes them (NOT NULL is declared, not inferred). */
function nullable(schema: StructType): StructType {
  const relax = (type: DataType): DataType => {
    switch (type.kind) {
      case 'struct': return nullable(type);
      case 'array': return { ...type, elementType: relax(type.elementType), containsNull: true };
      case 'map': return { ...type, keyType: relax(type.keyType), valueType: relax(type.valueType), valueContainsNull: true };
      default: return type;
    }
  };
  return { kind: 'struct', fields: schema.fields.map((f) => ({ ...f, nullable: true, type: relax(f.type) })) };
}
