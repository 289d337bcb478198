import type { ColumnExpression, Expression } from './expression';

/** Every column node of an expression, in order of appearance. */
export function columnsOfExpression(expression: Expression): ColumnExpression[] {
  switch (expression.kind) {
    case 'column': return [expression];
    case 'literal': return [];
    case 'arithmetic':
    case 'compare':
    case 'and':
    case 'or':
      return [...columnsOfExpression(expression.left), ...columnsOfExpression(expression.right)];
    case 'negate':
    case 'cast':
    case 'not':
    case 'isNull':
      return columnsOfExpression(expression.operand);
    case 'in':
      return [expression.operand, ...expression.values].flatMap(columnsOfExpression);
    case 'function':
      return expression.args.flatMap(columnsOfExpression);
  }
}
