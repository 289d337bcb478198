import type { Comparison, ComparisonOp, InList, NullCheck, Predicate } from './ast';

/** A predicate without NOT nodes: negation lives in the atoms. */
export type NormalizedPredicate =
  | Comparison | InList | NullCheck
  | { kind: 'and' | 'or'; left: NormalizedPredicate; right: NormalizedPredicate };

const NEGATED: Record<ComparisonOp, ComparisonOp> = { '=': '!=', '!=': '=', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };

/**
 * The same predicate with every NOT pushed into the atoms (De Morgan, negated comparisons,
 * NOT IN, IS NOT NULL), so no `not` node remains. Each step is an identity of SQL's three-valued
 * logic: NOT(x < 5) and x >= 5 are both unknown when x is NULL, and NOT over unknown stays unknown.
 */
export function negationNormalForm(predicate: Predicate, negate = false): NormalizedPredicate {
  switch (predicate.kind) {
    case 'not':
      return negationNormalForm(predicate.operand, !negate);
    case 'and':
    case 'or': {
      const left = negationNormalForm(predicate.left, negate);
      const right = negationNormalForm(predicate.right, negate);
      const kind: 'and' | 'or' = (predicate.kind === 'and') !== negate ? 'and' : 'or';
      return { kind, left, right };
    }
    case 'comparison':
      return negate ? { ...predicate, op: NEGATED[predicate.op] } : predicate;
    case 'in':
    case 'isNull':
      return negate ? { ...predicate, negated: !predicate.negated } : predicate;
  }
}
