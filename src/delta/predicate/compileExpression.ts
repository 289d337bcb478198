import { evaluateArithmetic, evaluateNegate } from './arithmetic';
import { castValue } from './castValue';
import { satisfies } from './evaluateScalar';
import type { ColumnExpression, Expression } from './expression';
import { evaluateFunction } from './scalarFunctions';
import { compareValues, type TypedValue } from './typedValue';

/** An expression's value at one row (of a batch, or of a pair of MERGE rows). */
export type RowValue = (row: number) => TypedValue;

/** Where column values come from: called once per column node when compiling. */
export type ColumnValues = (column: ColumnExpression) => RowValue;

/**
 * Turns an expression into a function of the row number, so the tree is walked once per batch
 * rather than once per row. NULL follows SQL: it propagates through operators and functions
 * (coalesce aside), comparisons with it are unknown, AND/OR use Kleene logic.
 */
export function compileExpression(expression: Expression, columns: ColumnValues): RowValue {
  const compile = (e: Expression): RowValue => compileExpression(e, columns);
  switch (expression.kind) {
    case 'column':
      return columns(expression);
    case 'literal': {
      const value = expression.value;
      return () => value;
    }
    case 'arithmetic': {
      const [left, right, { op, type }] = [compile(expression.left), compile(expression.right), expression];
      return (row) => evaluateArithmetic(op, left(row), right(row), type);
    }
    case 'negate': {
      const operand = compile(expression.operand);
      return (row) => evaluateNegate(operand(row), expression.type);
    }
    case 'cast': {
      const operand = compile(expression.operand);
      const [from, to] = [expression.operand.type, expression.type];
      return (row) => castValue(operand(row), from, to);
    }
    case 'function': {
      const args = expression.args.map(compile);
      const { name, type } = expression;
      return (row) => evaluateFunction(name, args.map((arg) => arg(row)), type);
    }
    case 'compare': {
      const [left, right, op] = [compile(expression.left), compile(expression.right), expression.op];
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : satisfies(op, compareValues(a, b));
      };
    }
    case 'in': {
      const operand = compile(expression.operand);
      const values = expression.values.map(compile);
      const negated = expression.negated;
      return (row) => {
        const value = operand(row);
        if (value === null) return null;
        let truth: boolean | null = false;
        for (const candidate of values) {
          const c = candidate(row);
          if (c === null) truth = null;
          else if (compareValues(value, c) === 0) {
            truth = true;
            break;
          }
        }
        return negated && truth !== null ? !truth : truth;
      };
    }
    case 'isNull': {
      const operand = compile(expression.operand);
      const negated = expression.negated;
      return (row) => (operand(row) === null) !== negated;
    }
    case 'not': {
      const operand = compile(expression.operand);
      return (row) => {
        const value = operand(row);
        return value === null ? null : !value;
      };
    }
    case 'and':
    case 'or': {
      const [left, right] = [compile(expression.left), compile(expression.right)];
      const decisive = expression.kind === 'or';
      return (row) => {
        const a = left(row);
        if (a === decisive) return decisive;
        const b = right(row);
        if (b === decisive) return decisive;
        return a === null || b === null ? null : !decisive;
      };
    }
  }
}
