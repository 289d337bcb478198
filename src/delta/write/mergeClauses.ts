import { DeltaError } from '../errors';
import type { Expression } from '../predicate/expression';
import { mergeScope, type MergeSides } from '../predicate/expressionScope';
import { parseCondition } from '../predicate/parseExpression';
import type { StructType } from '../schema';
import { parseAssignments, type Assignment } from './assignments';

/**
 * MERGE's WHEN clauses as Delta/Spark have them. Conditions and SET values may read the target
 * row as `t.col` / `target.col` and the source row as `s.col` / `source.col` (unqualified when
 * only one side has the column). Without `set`, an update takes every column from the source
 * (UPDATE SET *); an insert always takes the source row (INSERT *).
 */
export type MatchedClause =
  | { action: 'update'; condition?: string; set?: Readonly<Record<string, string>> }
  | { action: 'delete'; condition?: string };
export interface NotMatchedClause { action: 'insert'; condition?: string }
/** Not matched by source: a target row no source row matches; only target columns can be read. */
export type NotMatchedBySourceClause =
  | { action: 'update'; condition?: string; set: Readonly<Record<string, string>> }
  | { action: 'delete'; condition?: string };

/** A clause ready to run: the condition type-checked, the SET values typed for their columns. */
export interface CompiledClause {
  action: 'update' | 'delete' | 'insert';
  condition: Expression | undefined;
  /** For updates: the assignments, or undefined for UPDATE SET * (the whole source row). */
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
    const set = clause.action === 'update' ? clause.set : undefined;
    const assignments = set === undefined ? undefined : parseAssignments(set, target, mergeScope(sides), 'MERGE');
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
