import { Data, RecordBatch, Struct } from 'apache-arrow';
import { DeltaError } from '../errors';
import { compileExpression, type ColumnValues } from '../predicate/compileExpression';
import type { Expression } from '../predicate/expression';
import { tableScope, type ExpressionScope } from '../predicate/expressionScope';
import { sameType } from '../predicate/expressionTypes';
import { parseAssignedValue } from '../predicate/parseExpression';
import { constantData } from '../scan/constantData';
import type { StructField, StructType } from '../schema';
import { columnFromValues } from './columnFromValues';

/** `column = expression` of an UPDATE or a MERGE update clause, typed and cast to the column. */
export interface Assignment { field: StructField; value: Expression; text: string }

/**
 * Parses assignments given as `{ column: 'expression' }`: SQL literals (5, 'text', NULL,
 * DATE '2024-01-31'), columns, arithmetic, functions (see parseExpression.ts). Only top-level
 * columns can be assigned; `scope` says which columns the values may read (the table's by default).
 */
export function parseAssignments(
  set: Readonly<Record<string, string>>,
  schema: StructType,
  scope: ExpressionScope = tableScope(schema),
  statement = 'UPDATE',
): Assignment[] {
  const entries = Object.entries(set);
  if (entries.length === 0) throw new DeltaError('DELTA_INVALID_ARGUMENT', `${statement} needs at least one assignment (column = value).`);
  return entries.map(([column, text]) => {
    const name = column.replace(/^(t|target)\./i, '');
    const field = schema.fields.find((f) => f.name === name) ?? schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!field) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `${statement} assigns column "${column}", which is not a top-level column of the table (${schema.fields.map((f) => f.name).join(', ')}).`);
    }
    return { field, value: parseAssignedValue(text, scope, field.name, field.type), text: `${field.name} = ${text}` };
  });
}

/**
 * The rows with the assigned columns replaced by their values, every value computed from the
 * rows as they were (`SET a = b, b = a` swaps). `columns` reads the columns the values use.
 */
export function applyAssignments(batch: RecordBatch, assignments: readonly Assignment[], columns: ColumnValues): RecordBatch {
  const children = batch.schema.fields.map((field, i) => {
    const assignment = assignments.find((a) => a.field.name === field.name);
    return assignment ? assignedColumn(batch, assignment, columns) : batch.data.children[i] as Data;
  });
  return new RecordBatch(batch.schema, new Data(new Struct(batch.schema.fields), 0, batch.numRows, 0, undefined, children));
}

function assignedColumn(batch: RecordBatch, assignment: Assignment, columns: ColumnValues): Data {
  const { value, field } = assignment;
  if (value.kind === 'literal') return constantData(field.type, value.value, batch.numRows);
  // A column of the same row and type is copied as is: nested columns need no per-value path.
  if (value.kind === 'column' && value.side === 'target' && value.path.length === 1 && sameType(value.type, field.type)) {
    const source = batch.schema.fields.findIndex((f) => f.name === value.path[0]);
    if (source >= 0) return batch.data.children[source] as Data;
  }
  const at = compileExpression(value, columns);
  const values = Array.from({ length: batch.numRows }, (_, row) => at(row));
  return columnFromValues(field.type, values);
}
