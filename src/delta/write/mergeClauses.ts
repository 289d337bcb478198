import { Data, RecordBatch, Struct } from 'apache-arrow';
import { nullData } from '../../arrow/nullData';
import { DeltaError } from '../errors';
import type { ColumnValues } from '../predicate/compileExpression';
import type { Expression } from '../predicate/expression';
import { mergeScope, type MergeSides } from '../predicate/expressionScope';
import { parseCondition } from '../predicate/parseExpression';
import type { StructType } from '../schema';
import { applyAssignments, parseAssignments, type Assignment } from './assignments';

/**
 * MERGE's WHEN clauses as Delta/Spark have them. Conditions and SET values may read the target
 * row as `t.col` / `target.col` and the source row as `s.col` / `source.col` (unqualified when
 * only one side has the column). Without `set`, an update takes every column from the source
 * (UPDATE SET *); without `values`, an insert takes the source row (INSERT *). With `values`
 * (INSERT (cols) VALUES (exprs)), the columns it does not list are NULL.
 */
export type MatchedClause =
  | { action: 'update'; condition?: string; set?: Readonly<Record<string, string>> }
  | { action: 'delete'; condition?: string };
export interface NotMatchedClause { action: 'insert'; condition?: string; values?: Readonly<Record<string, string>> }
/** Not matched by source: a target row no source row matches; only target columns can be read. */
export type NotMatchedBySourceClause =
  | { action: 'update'; condition?: string; set: Readonly<Record<string, string>> }
  | { action: 'delete'; condition?: string };

/** A clause ready to run: the condition type-checked, the SET values typed for their columns. */
export interface CompiledClause {
  action: 'update' | 'delete' | 'insert';
  condition: Expression | undefined;
  /**
   * For updates and inserts: the assignments, or undefined for UPDATE SET * / INSERT * (the whole
   * source row).
   */
  assignments: Assignment[] | undefined;
  /** The text as given, for the commit's operation parameters. */
  conditionText: string | undefined;
}

export interface MergeClauseGroups {
  matched: CompiledClause[];
  notMatched: CompiledClause[];
  notMatchedBySource: CompiledClause[];
}

/**
 * Type-checks the clauses against the table (target) and source schemas. As in Spark, every clause
 * of a group but the last needs a condition (a clause after an unconditional one could never run),
 * and the first clause whose condition holds is the one applied to a row.
 */
export function compileMergeClauses(
  clauses: { matched: readonly MatchedClause[]; notMatched: readonly NotMatchedClause[]; notMatchedBySource: readonly NotMatchedBySourceClause[]; legacyDeleteWhen?: string },
  target: StructType,
  source: StructType,
): MergeClauseGroups {
  const compile = (
    group: string,
    list: ReadonlyArray<MatchedClause | NotMatchedClause | NotMatchedBySourceClause>,
    sides: MergeSides,
  ): CompiledClause[] => list.map((clause, i) => {
    if (clause.condition === undefined && i < list.length - 1) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT',
        `MERGE: the ${group} ${clause.action} clause has no condition but is not the last ${group} clause, so the clauses after it could never apply; give it a condition or move it last.`);
    }
    const condition = clause.condition === undefined ? undefined : parseCondition(clause.condition, mergeScope(sides));
    const set = clause.action === 'update' ? clause.set : clause.action === 'insert' ? clause.values : undefined;
    const assignments = set === undefined ? undefined : parseAssignments(set, target, mergeScope(sides), 'MERGE');
    if (clause.action === 'insert' && assignments) checkNotNullInserted(target, assignments);
    if (clause.action === 'update' && set === undefined && !sides.source) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `MERGE: the ${group} update clause needs SET assignments (there is no source row to copy).`);
    }
    return { action: clause.action, condition, assignments, conditionText: clause.condition };
  });
  const matched = compile('WHEN MATCHED', clauses.matched, { target, source });
  if (clauses.legacyDeleteWhen !== undefined) {
    // deleteWhen predates qualifiers: its bare names are source columns.
    const condition = parseCondition(clauses.legacyDeleteWhen, mergeScope({ target, source }, 'source'));
    matched.unshift({ action: 'delete', condition, assignments: undefined, conditionText: clauses.legacyDeleteWhen });
  }
  return {
    matched,
    notMatched: compile('WHEN NOT MATCHED', clauses.notMatched, { source }),
    notMatchedBySource: compile('WHEN NOT MATCHED BY SOURCE', clauses.notMatchedBySource, { target }),
  };
}

/**
 * An insert with a column list leaves the other columns NULL: a NOT NULL one would fail every
 * inserted row, so the clause is refused before anything is read (as Spark's
 * DELTA_MISSING_NOT_NULL_COLUMN_VALUE does).
 */
function checkNotNullInserted(target: StructType, assignments: readonly Assignment[]): void {
  const missing = target.fields.filter((f) => !f.nullable && !assignments.some((a) => a.field.name === f.name));
  if (missing.length === 0) return;
  const names = missing.map((f) => f.name).join(', ');
  throw new DeltaError('DELTA_MISSING_NOT_NULL_COLUMN_VALUE',
    `MERGE: the WHEN NOT MATCHED insert clause gives no value for ${names}, which ${missing.length > 1 ? 'are' : 'is'} NOT NULL; add ${missing.map((f) => `${f.name} = s.<column>`).join(', ')} to its values.`);
}

/**
 * The rows an insert clause writes for the source rows `rows` (in the table's columns): the source
 * row itself for INSERT *, else its values with every other column NULL. `columns` reads the
 * source columns the values use, row by row in the order of `rows`.
 */
export function insertedRows(clause: CompiledClause, rows: RecordBatch, columns: ColumnValues): RecordBatch {
  if (!clause.assignments) return rows;
  const fields = rows.schema.fields;
  const nulls = new RecordBatch(rows.schema, new Data(new Struct(fields), 0, rows.numRows, 0, undefined, fields.map((f) => nullData(f.type, rows.numRows))));
  return applyAssignments(nulls, clause.assignments, columns);
}
