import type { Comparison, ComparisonOp, InList, NullCheck, Predicate } from './ast';
import { compareValues, type TypedValue } from './typedValue';

/** SQL's three-valued truth: null is "unknown", which a filter treats as not matching. */
export type Truth = boolean | null;
export type Atom = Comparison | InList | NullCheck;

/** Whether `order` (the sign of compare(value, literal)) satisfies `op`. */
export function satisfies(op: ComparisonOp, order: number): boolean {
  switch (op) {
    case '=': return order === 0;
    case '!=': return order !== 0;
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
  }
}

/** One atom applied to one value of its column. */
export function evaluateAtom(atom: Atom, value: TypedValue): Truth {
  switch (atom.kind) {
    case 'isNull':
      return (value === null) !== atom.negated;
    case 'comparison':
      return value === null || atom.value === null ? null : satisfies(atom.op, compareValues(value, atom.value));
    case 'in': {
      if (value === null) return null;
      let truth: Truth = false;
      for (const candidate of atom.values) {
        if (candidate === null) truth = null;
        else if (compareValues(value, candidate) === 0) {
          truth = true;
          break;
        }
      }
      return atom.negated && truth !== null ? !truth : truth;
    }
  }
}

/** A whole predicate on one row, given each column's value by path (Kleene logic). */
export function evaluateOnRow(predicate: Predicate, valueOf: (path: readonly string[]) => TypedValue): Truth {
  switch (predicate.kind) {
    case 'and': {
      const left = evaluateOnRow(predicate.left, valueOf);
      if (left === false) return false;
      const right = evaluateOnRow(predicate.right, valueOf);
      return right === false ? false : left === null || right === null ? null : true;
    }
    case 'or': {
      const left = evaluateOnRow(predicate.left, valueOf);
      if (left === true) return true;
      const right = evaluateOnRow(predicate.right, valueOf);
      return right === true ? true : left === null || right === null ? null : false;
    }
    case 'not': {
      const operand = evaluateOnRow(predicate.operand, valueOf);
      return operand === null ? null : !operand;
    }
    default:
      return evaluateAtom(predicate, valueOf(predicate.column.path));
  }
}
