import { Data, RecordBatch, Struct } from 'apache-arrow';
import { DeltaError } from '../errors';
import { parsePredicate } from '../predicate/parsePredicate';
import type { TypedValue } from '../predicate/typedValue';
import { constantData } from '../scan/constantData';
import type { StructField, StructType } from '../schema';

/** `column = literal` of an UPDATE, typed by the column. */
export interface Assignment { field: StructField; value: TypedValue; text: string }

/**
 * Parses UPDATE assignments given as `{ column: 'literal' }` (SQL literals: 5, 'text', NULL,
 * DATE '2024-01-31', TRUE...). Only top-level columns and literal values are supported.
 */
export function parseAssignments(set: Readonly<Record<string, string>>, schema: StructType): Assignment[] {
  const entries = Object.entries(set);
  if (entries.length === 0) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'UPDATE needs at least one assignment (column = value).');
  return entries.map(([column, literal]) => {
    const field = schema.fields.find((f) => f.name === column) ?? schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
    if (!field) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `UPDATE assigns column "${column}", which is not a top-level column of the table (${schema.fields.map((f) => f.name).join(', ')}).`);
    }
    const parsed = parsePredicate(`${quoteColumn(field.name)} = ${literal}`, schema);
    if (parsed.kind === 'comparison' && parsed.op === '=') return { field, value: parsed.value, text: `${field.name} = ${literal}` };
    if (parsed.kind === 'and' || parsed.kind === 'or' || parsed.kind === 'not' || parsed.kind === 'in' || parsed.kind === 'isNull') {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `UPDATE value for "${column}" must be a single literal, not "${literal}".`);
    }
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `UPDATE value for "${column}" must be a literal, not "${literal}".`);
  });
}

/** The rows with the assigned columns replaced by their values. */
export function applyAssignments(batch: RecordBatch, assignments: readonly Assignment[]): RecordBatch {
  const children = batch.schema.fields.map((field, i) => {
    const assignment = assignments.find((a) => a.field.name === field.name);
    return assignment ? constantData(assignment.field.type, assignment.value, batch.numRows) : batch.data.children[i] as Data;
  });
  return new RecordBatch(batch.schema, new Data(new Struct(batch.schema.fields), 0, batch.numRows, 0, undefined, children));
}

function quoteColumn(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
