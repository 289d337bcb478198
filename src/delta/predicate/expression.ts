import type { DataType } from '../schema';
import type { ComparisonOp } from './ast';
import type { TypedValue } from './typedValue';

/**
 * A type-checked scalar expression of UPDATE SET values and MERGE conditions: unlike a Predicate
 * (column op literal, which file skipping understands), any operand may be a column or a computed
 * value. `type` is the result type; undefined only for a NULL literal nothing gave a type to.
 */
export type Expression =
  | ColumnExpression
  | LiteralExpression
  | ArithmeticExpression
  | NegateExpression
  | CompareExpression
  | LogicalExpression
  | NotExpression
  | IsNullExpression
  | InExpression
  | FunctionExpression
  | CastExpression;

/** Which row a column is read from: the table's (`target`) or, in MERGE, the source's. */
export type ColumnSide = 'target' | 'source';

export interface ColumnExpression { kind: 'column'; side: ColumnSide; path: string[]; type: DataType }
export interface LiteralExpression { kind: 'literal'; value: TypedValue; type: DataType | undefined }

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

/** Both operands are already cast to `type` (decimals: to any scale, the result is rounded to `type`). */
export interface ArithmeticExpression { kind: 'arithmetic'; op: ArithmeticOp; left: Expression; right: Expression; type: DataType }
export interface NegateExpression { kind: 'negate'; operand: Expression; type: DataType }

/** Both operands are already cast to one common type. */
export interface CompareExpression { kind: 'compare'; op: ComparisonOp; left: Expression; right: Expression; type: DataType }
export interface LogicalExpression { kind: 'and' | 'or'; left: Expression; right: Expression; type: DataType }
export interface NotExpression { kind: 'not'; operand: Expression; type: DataType }
export interface IsNullExpression { kind: 'isNull'; operand: Expression; negated: boolean; type: DataType }
/** The values are already cast to the operand's type. */
export interface InExpression { kind: 'in'; operand: Expression; values: Expression[]; negated: boolean; type: DataType }

export type FunctionName = 'upper' | 'lower' | 'trim' | 'length' | 'concat' | 'coalesce' | 'abs';
export interface FunctionExpression { kind: 'function'; name: FunctionName; args: Expression[]; type: DataType }

export interface CastExpression { kind: 'cast'; operand: Expression; type: DataType }
