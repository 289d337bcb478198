import type { RecordBatch } from 'apache-arrow';
import type { Predicate } from '../predicate/ast';
import { columnsOf } from '../predicate/columnsOf';
import { columnsOfExpression } from '../predicate/columnsOfExpression';
import { compileExpression } from '../predicate/compileExpression';
import type { Expression } from '../predicate/expression';
import { tableScope } from '../predicate/expressionScope';
import { InvalidPredicateError } from '../predicate/invalidPredicateError';
import { parseCondition } from '../predicate/parseExpression';
import { evaluatePredicate } from '../predicate/evaluatePredicate';
import { formatPredicate } from '../predicate/formatPredicate';
import { parsePredicate } from '../predicate/parsePredicate';
import type { StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import { Transaction } from '../transaction/transaction';
import { columnCells } from '../predicate/readCell';
import { applyAssignments, parseAssignments } from './assignments';
import { ConstraintChecker, tableConstraints } from './constraints';
import { DmlWrites, type DmlWriteOptions } from './dmlWrites';
import { openTable, type TableLocation } from './tableLocation';
import type { WriteSummary } from './writeSummary';

export interface UpdateOptions extends DmlWriteOptions {
  /** Only rows matching this predicate; all rows when omitted. */
  where?: string | Predicate;
}

/**
 * UPDATE table SET column = expression, ... [WHERE predicate] in one commit (expressions: see
 * parseExpression.ts). Files holding matching rows are rewritten (or get deletion vectors, the
 * updated rows going to new files); the updated rows must satisfy the table's constraints, and an
 * overflow or a value the column cannot hold fails the whole UPDATE: nothing is committed.
 */
export async function updateRows(location: TableLocation, set: Readonly<Record<string, string>>, options: UpdateOptions = {}): Promise<WriteSummary> {
  const tx = await Transaction.start(await openTable(location));
  const snapshot = tx.snapshot as Snapshot;
  const schema = tx.schema;
  const assignments = parseAssignments(set, schema);
  const { predicate, condition } = parseWhere(options.where, schema);
  const writes = new DmlWrites(tx, options);
  const checker = new ConstraintChecker(tableConstraints(schema, tx.properties), schema);
  const candidates = snapshot.scan(predicate ? { where: predicate } : {}).plan();
  tx.readPredicate(predicate);
  tx.readFiles(candidates);
  let rowsUpdated = 0;
  const onMatched = async (rows: RecordBatch): Promise<void> => {
    const updated = applyAssignments(rows, assignments, (column) => columnCells(rows, column.path, column.type));
    if (!checker.check(updated) || checker.hasViolations) return;
    rowsUpdated += updated.numRows;
    await writes.write(updated);
    await writes.change(rows, 'update_preimage');
    await writes.change(updated, 'update_postimage');
  };
  const match = (batch: RecordBatch): Uint8Array => {
    if (predicate) return evaluatePredicate(predicate, batch, schema);
    if (!condition) return new Uint8Array(batch.numRows).fill(1);
    const holds = compileExpression(condition, (column) => columnCells(batch, column.path, column.type));
    return Uint8Array.from({ length: batch.numRows }, (_, row) => (holds(row) === true ? 1 : 0));
  };
  // Matching reads only the condition's top-level columns; the rest is decoded for files with matches.
  const paths = predicate ? columnsOf(predicate) : condition ? columnsOfExpression(condition).map((c) => c.path) : [];
  const matchColumns = [...new Set(paths.map((path) => path[0] as string))];
  try {
    await writes.rewrite(candidates, () => ({ match, onMatched }), matchColumns);
    checker.throwIfViolated('The UPDATE');
    if (rowsUpdated === 0) return { version: tx.readVersion, rowsAdded: 0, rowsRemoved: 0, filesAdded: 0, filesRemoved: 0, bytesAdded: 0 };
    const { filesAdded, bytesAdded, changeFilesAdded } = await writes.finish();
    const { filesRemoved } = writes;
    const version = await writes.commit({
      operation: 'UPDATE',
      parameters: { predicate: predicate ? [formatPredicate(predicate)] : typeof options.where === 'string' ? [options.where] : [] },
      metrics: {
        numRemovedFiles: filesRemoved,
        numAddedFiles: filesAdded,
        numUpdatedRows: rowsUpdated,
        numCopiedRows: writes.rowsCopied,
        numAddedChangeFiles: changeFilesAdded,
        numAddedBytes: bytesAdded,
      },
    });
    return { version, rowsAdded: rowsUpdated, rowsRemoved: rowsUpdated, filesAdded, filesRemoved, bytesAdded };
  } catch (error) {
    await writes.abort();
    throw error;
  }
}

/**
 * The WHERE of an UPDATE: a predicate of the `--where` language when it is one (files are then
 * skipped by their statistics), else a condition of the expression language such as
 * `qty * 2 > reorder_level`, evaluated on every row. When neither reads it, the predicate's error
 * is the one reported.
 */
function parseWhere(where: string | Predicate | undefined, schema: StructType): { predicate?: Predicate; condition?: Expression } {
  if (typeof where !== 'string') return where ? { predicate: where } : {};
  try {
    return { predicate: parsePredicate(where, schema) };
  } catch (error) {
    if (!(error instanceof InvalidPredicateError)) throw error;
    try {
      return { condition: parseCondition(where, tableScope(schema)) };
    } catch {
      throw error;
    }
  }
}
