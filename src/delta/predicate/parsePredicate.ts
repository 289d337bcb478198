import { findField, formatDataType, type DataType, type StructType } from '../schema';
import type { ColumnRef, ComparisonOp, Predicate } from './ast';
import { InvalidPredicateError } from './invalidPredicateError';
import { tokenize, type Token } from './lexer';
import { coerceLiteral, describeRawLiteral, type RawLiteral } from './literal';
import { TokenParser } from './tokenParser';
import type { TypedValue } from './typedValue';

/**
 * Parses and type-checks the SQL-like predicate language of `--where`, the filter box,
 * replaceWhere and DELETE/UPDATE conditions. Grammar, loosest binding first:
 *
 *   or      := and (OR and)*
 *   and     := not (AND not)*
 *   not     := NOT not | '(' or ')' | atom
 *   atom    := operand [compareOp operand | [NOT] IN (literal, ...) | IS [NOT] NULL
 *                       | [NOT] BETWEEN literal AND literal]
 *   operand := column | literal
 *
 * One side of a comparison must be a column and the other a literal. A boolean column alone
 * means `column = TRUE`. Keywords are case-insensitive; columns are matched case-sensitively
 * first, then case-insensitively, and stored with the schema's spelling.
 */
export function parsePredicate(text: string, schema: StructType): Predicate {
  const parser = new Parser(tokenize(text), schema);
  const predicate = parser.parseOr();
  parser.expectEnd();
  return predicate;
}

interface ColumnOperand { kind: 'column'; column: ColumnRef; start: number; end: number }
interface LiteralOperand { kind: 'literal'; raw: RawLiteral; start: number; end: number }
type Operand = ColumnOperand | LiteralOperand;

const FLIPPED: Record<ComparisonOp, ComparisonOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

class Parser extends TokenParser {
  constructor(tokens: Token[], private readonly schema: StructType) {
    super(tokens, 'predicate', (position, problem) => new InvalidPredicateError(position, problem));
  }

  parseOr(): Predicate {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.unexpected(token, 'AND, OR or the end of the predicate');
  }

  private parseAnd(): Predicate {
    let left = this.parseNot();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): Predicate {
    if (this.acceptKeyword('NOT')) return { kind: 'not', operand: this.parseNot() };
    if (this.acceptSymbol('(')) {
      const inner = this.parseOr();
      this.expectSymbol(')', 'a closing ")"');
      return inner;
    }
    return this.parseAtom();
  }

  private parseAtom(): Predicate {
    const left = this.parseOperand();
    const op = this.acceptComparisonOp();
    if (op) {
      return this.comparison(left, op, this.parseOperand());
    }
    if (this.acceptKeyword('IS')) {
      const negated = this.acceptKeyword('NOT');
      this.expectKeyword('NULL', negated ? 'NULL' : 'NULL or NOT NULL');
      return { kind: 'isNull', column: this.requireColumn(left, 'IS NULL').column, negated };
    }
    const negated = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) return this.inList(this.requireColumn(left, 'IN'), negated);
    if (this.acceptKeyword('BETWEEN')) {
      const column = this.requireColumn(left, 'BETWEEN');
      const low = this.literalFor(column, this.parseOperand());
      this.expectKeyword('AND', 'AND between the two bounds of BETWEEN');
      const high = this.literalFor(column, this.parseOperand());
      const range: Predicate = {
        kind: 'and',
        left: { kind: 'comparison', op: '>=', column: column.column, value: low },
        right: { kind: 'comparison', op: '<=', column: column.column, value: high },
      };
      return negated ? { kind: 'not', operand: range } : range;
    }
    if (negated) throw this.unexpected(this.peek(), 'IN or BETWEEN after NOT');
    if (left.kind === 'column' && left.column.type.kind === 'primitive' && left.column.type.name === 'boolean') {
      return { kind: 'comparison', op: '=', column: left.column, value: true };
    }
    throw this.unexpected(this.peek(), 'a comparison (=, !=, <>, <, <=, >, >=), IN, IS NULL or BETWEEN');
  }

  private comparison(left: Operand, op: ComparisonOp, right: Operand): Predicate {
    if (left.kind === 'column' && right.kind === 'literal') {
      return { kind: 'comparison', op, column: left.column, value: this.literalFor(left, right) };
    }
    if (left.kind === 'literal' && right.kind === 'column') {
      return { kind: 'comparison', op: FLIPPED[op], column: right.column, value: this.literalFor(right, left) };
    }
    const at = left.kind === 'column' ? right : left;
    throw new InvalidPredicateError(at.start, left.kind === 'column'
      ? 'comparing two columns is not supported: compare a column with a literal value.'
      : 'one side of a comparison must be a column.');
  }

  private inList(column: ColumnOperand, negated: boolean): Predicate {
    this.expectSymbol('(', 'a "(" opening the IN list');
    const values: TypedValue[] = [this.literalFor(column, this.parseOperand())];
    while (this.acceptSymbol(',')) values.push(this.literalFor(column, this.parseOperand()));
    this.expectSymbol(')', 'a "," or the closing ")" of the IN list');
    return { kind: 'in', column: column.column, values, negated };
  }

  private literalFor(column: ColumnOperand, operand: Operand): TypedValue {
    if (operand.kind === 'column') {
      throw new InvalidPredicateError(operand.start, `expected a literal value to compare with ${formatPath(column.column.path)}, found column ${formatPath(operand.column.path)}.`);
    }
    const coerced = coerceLiteral(operand.raw, column.column.type);
    if (!coerced.ok) {
      const { path, type } = column.column;
      throw new InvalidPredicateError(operand.start,
        `${formatPath(path)} is ${formatDataType(type)}: expected ${coerced.expected}, found ${describeRawLiteral(operand.raw)}.`);
    }
    return coerced.value;
  }

  private requireColumn(operand: Operand, what: string): ColumnOperand {
    if (operand.kind !== 'column') throw new InvalidPredicateError(operand.start, `${what} needs a column on its left, found ${describeRawLiteral(operand.raw)}.`);
    return operand;
  }

  private parseOperand(): Operand {
    const token = this.peek();
    const start = token.start;
    if (token.kind === 'symbol' && (token.text === '-' || token.text === '+')) {
      this.index++;
      const number = this.peek();
      if (number.kind !== 'number') throw this.unexpected(number, `a number after "${token.text}"`);
      this.index++;
      return { kind: 'literal', raw: { kind: 'number', text: token.text + number.text }, start, end: number.end };
    }
    const literal = this.acceptLiteral();
    if (literal) return { kind: 'literal', ...literal };
    return this.parseColumn();
  }

  private parseColumn(): ColumnOperand {
    const { path, start, end } = this.parseColumnPath('a column name or a literal value');
    const field = findField(this.schema, path);
    if (!field) throw new InvalidPredicateError(start, `unknown column ${formatPath(path)}; ${this.suggestColumns(path)}`);
    return { kind: 'column', column: { path: canonicalPath(this.schema, path), type: field.type }, start, end };
  }

  private suggestColumns(path: string[]): string {
    const parentField = path.length > 1 ? findField(this.schema, path.slice(0, -1)) : undefined;
    const parent: DataType = path.length > 1 ? (parentField?.type ?? this.schema) : this.schema;
    if (parent.kind !== 'struct') return `${formatPath(path.slice(0, -1))} is not a struct.`;
    const names = parent.fields.map((f) => f.name);
    return `known columns${path.length > 1 ? ` of ${formatPath(path.slice(0, -1))}` : ''}: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}.`;
  }
}

function canonicalPath(schema: StructType, path: string[]): string[] {
  return path.map((_, i) => findField(schema, path.slice(0, i + 1))!.name);
}

function formatPath(path: readonly string[]): string {
  return path.join('.');
}
