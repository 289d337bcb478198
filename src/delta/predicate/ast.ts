import type { DataType } from '../schema';
import type { TypedValue } from './typedValue';

/**
 * A type-checked predicate over one table schema. Literals are already converted to their
 * column's type (see typedValue.ts), so evaluating never re-parses text. Comparisons always
 * have the column on the left: `5 < x` is stored as `x > 5`.
 */
export type Predicate = Comparison | InList | NullCheck | And | Or | Not;

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A column by its logical path (`a.b.c` is `['a', 'b', 'c']`), with its type from the schema. */
export interface ColumnRef { path: string[]; type: DataType }

/** `column op value`; a null value is SQL `NULL` and makes the comparison unknown for every row. */
export interface Comparison { kind: 'comparison'; op: ComparisonOp; column: ColumnRef; value: TypedValue }

/** `column [NOT] IN (values...)`. */
export interface InList { kind: 'in'; column: ColumnRef; values: TypedValue[]; negated: boolean }

/** `column IS [NOT] NULL`. */
export interface NullCheck { kind: 'isNull'; column: ColumnRef; negated: boolean }

export interface And { kind: 'and'; left: Predicate; right: Predicate }
export interface Or { kind: 'or'; left: Predicate; right: Predicate }
export interface Not { kind: 'not'; operand: Predicate }
