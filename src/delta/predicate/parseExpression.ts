import { formatDataType, type DataType } from '../schema';
import type { ArithmeticOp, Expression, FunctionName } from './expression';
import type { ExpressionScope } from './expressionScope';
import {
  arithmeticType, asDecimal, BOOLEAN, commonType, DOUBLE, INTEGER, isAssignable, isCastable, isNumeric, isPrimitive, LONG,
  MAX_DECIMAL_PRECISION, primitiveTypeNamed, sameType,
} from './expressionTypes';
import { InvalidExpressionError } from './invalidExpressionError';
import { tokenize, type Token } from './lexer';
import { coerceLiteral, describeRawLiteral, type RawLiteral } from './literal';
import { FUNCTION_NAMES, typeFunction } from './scalarFunctions';
import { TokenParser } from './tokenParser';
import { INTEGRAL_RANGES } from './integralRanges';

/**
 * Parses and type-checks the expression language of UPDATE SET values and MERGE conditions, a
 * superset of the `--where` predicate language. Loosest binding first:
 *
 *   or       := and (OR and)*
 *   and      := not (AND not)*
 *   not      := NOT not | test
 *   test     := sum [compareOp sum | [NOT] IN (expr, ...) | IS [NOT] NULL | [NOT] BETWEEN sum AND sum]
 *   sum      := product (('+' | '-' | '||') product)*
 *   product  := unary (('*' | '/' | '%') unary)*
 *   unary    := ('-' | '+') unary | primary
 *   primary  := literal | column | function '(' expr, ... ')' | CAST '(' expr AS type ')' | '(' expr ')'
 *
 * Types follow Spark SQL (expressionTypes.ts). A literal next to a typed operand takes that
 * operand's type as in `--where` (`d = '2024-01-31'` compares dates); elsewhere it has its own
 * type: 1 is int, 1.5 is decimal(2,1), 1e3 is double.
 */
export function parseExpression(text: string, scope: ExpressionScope): Expression {
  const parser = new ExpressionParser(tokenize(text), scope);
  const node = parser.parseOr();
  parser.expectEnd();
  return node.expr;
}

/** A condition: an expression of type boolean (NULL counts as not satisfied when evaluated). */
export function parseCondition(text: string, scope: ExpressionScope): Expression {
  const parser = new ExpressionParser(tokenize(text), scope);
  const node = parser.parseOr();
  parser.expectEnd();
  return parser.booleanOperand(node, 'a condition');
}

/**
 * The value assigned to a column (`SET column = <text>`), cast to the column's type: a bare
 * literal is read as a literal of that type (as the literal-only UPDATE did); an expression
 * must be assignable (numbers to numbers, anything to strings...), range checked per value.
 */
export function parseAssignedValue(text: string, scope: ExpressionScope, column: string, type: DataType): Expression {
  const parser = new ExpressionParser(tokenize(text), scope);
  const node = parser.parseOr();
  parser.expectEnd();
  if (node.raw) {
    const coerced = coerceLiteral(node.raw, type);
    if (!coerced.ok) throw new InvalidExpressionError(node.start, `${column} is ${formatDataType(type)}: expected ${coerced.expected}, found ${describeRawLiteral(node.raw)}.`);
    return { kind: 'literal', value: coerced.value, type };
  }
  const expr = node.expr;
  if (!isAssignable(expr.type, type)) {
    throw new InvalidExpressionError(node.start,
      `${column} is ${formatDataType(type)}: expected ${expectedFor(type)}, found ${describeType(expr.type)} (write CAST(... AS ${formatDataType(type)}) to convert).`);
  }
  return castTo(expr, type);
}

/** A parsed piece: `raw` is set while it is a literal that has not met a type yet. */
interface Node { expr: Expression; raw?: RawLiteral; start: number }

class ExpressionParser extends TokenParser {
  constructor(tokens: Token[], private readonly scope: ExpressionScope) {
    super(tokens, 'expression', (position, problem) => new InvalidExpressionError(position, problem));
  }

  parseOr(): Node {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) left = this.logical('or', left, this.parseAnd());
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.unexpected(token, 'an operator or the end of the expression');
  }

  booleanOperand(node: Node, what: string): Expression {
    const expr = node.expr;
    if (expr.type !== undefined && !isPrimitive(expr.type, 'boolean')) {
      throw new InvalidExpressionError(node.start, `${what} must be boolean, found ${describeType(expr.type)}.`);
    }
    return expr.type === undefined ? { kind: 'literal', value: null, type: BOOLEAN } : expr;
  }

  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.acceptKeyword('AND')) left = this.logical('and', left, this.parseNot());
    return left;
  }

  private logical(kind: 'and' | 'or', left: Node, right: Node): Node {
    const what = `an operand of ${kind.toUpperCase()}`;
    return { expr: { kind, left: this.booleanOperand(left, what), right: this.booleanOperand(right, what), type: BOOLEAN }, start: left.start };
  }

  private parseNot(): Node {
    const start = this.peek().start;
    if (this.acceptKeyword('NOT')) {
      return { expr: { kind: 'not', operand: this.booleanOperand(this.parseNot(), 'the operand of NOT'), type: BOOLEAN }, start };
    }
    return this.parseTest();
  }

  private parseTest(): Node {
    const left = this.parseSum();
    const op = this.acceptComparisonOp();
    if (op) {
      const right = this.parseSum();
      const [l, r] = this.unify(left, right, `compare`);
      return { expr: { kind: 'compare', op, left: l, right: r, type: BOOLEAN }, start: left.start };
    }
    if (this.acceptKeyword('IS')) {
      const negated = this.acceptKeyword('NOT');
      this.expectKeyword('NULL', 'NULL or NOT NULL after IS');
      return { expr: { kind: 'isNull', operand: left.expr, negated, type: BOOLEAN }, start: left.start };
    }
    const negated = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) {
      this.expectSymbol('(', 'a "(" opening the IN list');
      const values: Node[] = [this.parseSum()];
      while (this.acceptSymbol(',')) values.push(this.parseSum());
      this.expectSymbol(')', 'a "," or the closing ")" of the IN list');
      let type = typeOfKnown([left, ...values]);
      for (const value of values) {
        if (type === undefined || value.raw) continue;
        const common = value.expr.type === undefined ? type : commonType(type, value.expr.type);
        if (!common) throw new InvalidExpressionError(value.start, `IN list value of type ${describeType(value.expr.type)} cannot be compared with ${describeType(type)}.`);
        type = common;
      }
      const operand = type === undefined ? left.expr : this.coerce(left, type, 'IN');
      const list = values.map((v) => (type === undefined ? v.expr : this.coerce(v, type, 'IN')));
      return { expr: { kind: 'in', operand, values: list, negated, type: BOOLEAN }, start: left.start };
    }
    if (this.acceptKeyword('BETWEEN')) {
      const low = this.parseSum();
      this.expectKeyword('AND', 'AND between the bounds of BETWEEN');
      const high = this.parseSum();
      const [a, b] = this.unify(left, low, 'compare');
      const [c, d] = this.unify(left, high, 'compare');
      const between: Expression = {
        kind: 'and',
        left: { kind: 'compare', op: '>=', left: a, right: b, type: BOOLEAN },
        right: { kind: 'compare', op: '<=', left: c, right: d, type: BOOLEAN },
        type: BOOLEAN,
      };
      return { expr: negated ? { kind: 'not', operand: between, type: BOOLEAN } : between, start: left.start };
    }
    if (negated) throw this.unexpected(this.peek(), 'IN or BETWEEN after NOT');
    return left;
  }

  private parseSum(): Node {
    let left = this.parseProduct();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'symbol' || (token.text !== '+' && token.text !== '-' && token.text !== '||')) return left;
      this.index++;
      const right = this.parseProduct();
      left = token.text === '||' ? this.call('concat', [left, right], left.start) : this.arithmetic(token.text as ArithmeticOp, left, right, token);
    }
  }

  private parseProduct(): Node {
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'symbol' || (token.text !== '*' && token.text !== '/' && token.text !== '%')) return left;
      this.index++;
      left = this.arithmetic(token.text as ArithmeticOp, left, this.parseUnary(), token);
    }
  }

  private arithmetic(op: ArithmeticOp, left: Node, right: Node, token: Token): Node {
    const l = this.arithmeticOperand(left, right);
    const r = this.arithmeticOperand(right, left);
    if (l.type === undefined || r.type === undefined) {
      // NULL op x is NULL of x's type (NULL op NULL: of int).
      const type = l.type ?? r.type ?? INTEGER;
      return { expr: { kind: 'literal', value: null, type: isNumeric(type) ? type : DOUBLE }, start: left.start };
    }
    const type = arithmeticType(op, l.type, r.type);
    if (!type) {
      const hint = isPrimitive(l.type, 'string') || isPrimitive(r.type, 'string') ? ' (join strings with || or concat)' : '';
      throw new InvalidExpressionError(token.start, `"${op}" needs numbers, found ${describeType(l.type)} ${op} ${describeType(r.type)}${hint}.`);
    }
    // Decimal operands keep their own scale; the others are computed in the result type.
    const operandType = (t: DataType): DataType => (type.kind === 'decimal' ? asDecimal(t)! : type);
    return { expr: { kind: 'arithmetic', op, left: castTo(l, operandType(l.type)), right: castTo(r, operandType(r.type)), type }, start: left.start };
  }

  /** A literal in arithmetic: an integer next to a decimal is a decimal of its own digits, as in Spark. */
  private arithmeticOperand(node: Node, other: Node): Expression {
    const expr = node.expr;
    if (node.raw?.kind === 'number' && expr.type && (expr.type.kind === 'primitive' && (expr.type.name === 'integer' || expr.type.name === 'long'))
      && other.expr.type?.kind === 'decimal' && !other.raw) {
      const digits = node.raw.text.replace(/^[+-]/, '').replace(/^0+(?=\d)/, '').length;
      const type: DataType = { kind: 'decimal', precision: Math.max(digits, 1), scale: 0 };
      return castTo(expr, type);
    }
    return expr;
  }

  private parseUnary(): Node {
    const token = this.peek();
    if (token.kind === 'symbol' && (token.text === '-' || token.text === '+')) {
      this.index++;
      const next = this.peek();
      if (next.kind === 'number') {
        this.index++;
        return literalNode({ kind: 'number', text: (token.text === '-' ? '-' : '') + next.text }, token.start);
      }
      const operand = this.parseUnary().expr;
      if (!isNumeric(operand.type) && operand.type !== undefined) {
        throw new InvalidExpressionError(token.start, `unary "${token.text}" needs a number, found ${describeType(operand.type)}.`);
      }
      if (token.text === '+' || operand.type === undefined) return { expr: operand, start: token.start };
      return { expr: { kind: 'negate', operand, type: operand.type }, start: token.start };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Node {
    const token = this.peek();
    const start = token.start;
    if (this.acceptSymbol('(')) {
      const inner = this.parseOr();
      this.expectSymbol(')', 'a closing ")"');
      return { ...inner, start };
    }
    const literal = this.acceptLiteral();
    if (literal) return literalNode(literal.raw, start);
    if (token.kind === 'identifier') {
      const after = this.tokens[this.index + 1]!;
      if (after.kind === 'symbol' && after.text === '(') {
        if (token.upper === 'CAST') return this.parseCast();
        const name = token.text.toLowerCase();
        if (!FUNCTION_NAMES.has(name)) {
          throw new InvalidExpressionError(start, `unknown function ${token.text}; known: ${[...FUNCTION_NAMES].join(', ')}, CAST(x AS type).`);
        }
        this.index += 2;
        const args: Node[] = [];
        if (!this.acceptSymbol(')')) {
          do args.push(this.parseOr()); while (this.acceptSymbol(','));
          this.expectSymbol(')', `a "," or the closing ")" of ${name}(...)`);
        }
        return this.call(name as FunctionName, args, start);
      }
    }
    return this.parseColumn();
  }

  private call(name: FunctionName, args: Node[], start: number): Node {
    // A literal argument of coalesce takes the type of the typed arguments.
    const known = name === 'coalesce' ? typeOfKnown(args) : undefined;
    const exprs = args.map((a) => (known && a.raw ? this.coerce(a, known, name) : a.expr));
    const typing = typeFunction(name, exprs.map((e) => e.type));
    if (!typing.ok) throw new InvalidExpressionError(start, typing.problem);
    return { expr: { kind: 'function', name, args: exprs.map((e, i) => castTo(e, typing.argTypes[i])), type: typing.type }, start };
  }

  private parseCast(): Node {
    const start = this.peek().start;
    this.index += 2;
    const operand = this.parseOr().expr;
    this.expectKeyword('AS', 'AS and a type in CAST(x AS type)');
    const typeToken = this.peek();
    if (typeToken.kind !== 'identifier') throw this.unexpected(typeToken, 'a type name (int, bigint, double, decimal(p,s), string, date, timestamp...)');
    this.index++;
    let type: DataType | undefined;
    if (['DECIMAL', 'NUMERIC', 'DEC'].includes(typeToken.upper)) {
      let precision = 10;
      let scale = 0;
      if (this.acceptSymbol('(')) {
        precision = this.integerToken();
        if (this.acceptSymbol(',')) scale = this.integerToken();
        this.expectSymbol(')', 'the closing ")" of decimal(p, s)');
      }
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale > precision) {
        throw new InvalidExpressionError(typeToken.start, `decimal(${precision},${scale}) is not a type: precision 1 to 38, scale at most the precision.`);
      }
      type = { kind: 'decimal', precision, scale };
    } else {
      type = primitiveTypeNamed(typeToken.upper);
    }
    if (!type) throw new InvalidExpressionError(typeToken.start, `unknown type ${typeToken.text}; use int, bigint, smallint, tinyint, float, double, decimal(p,s), string, boolean, date, timestamp, timestamp_ntz or binary.`);
    this.expectSymbol(')', 'the closing ")" of CAST');
    if (!isCastable(operand.type, type)) throw new InvalidExpressionError(start, `cannot cast ${describeType(operand.type)} to ${formatDataType(type)}.`);
    return { expr: { kind: 'cast', operand, type }, start };
  }

  private integerToken(): number {
    const token = this.peek();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw this.unexpected(token, 'an integer');
    this.index++;
    return Number(token.text);
  }

  private parseColumn(): Node {
    const { path, start } = this.parseColumnPath('a column name, a literal value or a function');
    const resolved = this.scope.resolve(path);
    if (!resolved.ok) throw new InvalidExpressionError(start, resolved.problem);
    return { expr: { kind: 'column', side: resolved.side, path: resolved.path, type: resolved.type }, start };
  }

  /** Both sides of a comparison in one type: a literal takes the other side's type. */
  private unify(left: Node, right: Node, what: string): [Expression, Expression] {
    if (left.raw && !right.raw && right.expr.type) return [this.coerce(left, right.expr.type, what), right.expr];
    if (right.raw && !left.raw && left.expr.type) return [left.expr, this.coerce(right, left.expr.type, what)];
    const l = left.expr;
    const r = right.expr;
    if (l.type === undefined || r.type === undefined) return [l, r];
    const type = commonType(l.type, r.type);
    if (!type) throw new InvalidExpressionError(right.start, `cannot ${what} ${describeType(l.type)} with ${describeType(r.type)}; CAST one side.`);
    return [castTo(l, type), castTo(r, type)];
  }

  /** A node in `type`: a pending literal is read as that type; a typed expression must share a common type. */
  private coerce(node: Node, type: DataType, what: string): Expression {
    if (node.raw) {
      const coerced = coerceLiteral(node.raw, type);
      if (!coerced.ok) throw new InvalidExpressionError(node.start, `${what}: expected ${coerced.expected} (the other side is ${formatDataType(type)}), found ${describeRawLiteral(node.raw)}.`);
      return { kind: 'literal', value: coerced.value, type };
    }
    const expr = node.expr;
    if (expr.type === undefined) return { kind: 'literal', value: null, type };
    const common = commonType(expr.type, type);
    if (!common) throw new InvalidExpressionError(node.start, `${what}: cannot compare ${describeType(expr.type)} with ${formatDataType(type)}.`);
    return castTo(expr, type);
  }
}

function literalNode(raw: RawLiteral, start: number): Node {
  return { expr: naturalLiteral(raw, start), raw, start };
}

/** A literal's own type when nothing else gives it one. */
function naturalLiteral(raw: RawLiteral, start: number): Expression {
  const natural = (type: DataType | undefined): Expression => {
    if (type === undefined) return { kind: 'literal', value: null, type: undefined };
    const coerced = coerceLiteral(raw, type);
    if (!coerced.ok) throw new InvalidExpressionError(start, `expected ${coerced.expected}, found ${describeRawLiteral(raw)}.`);
    return { kind: 'literal', value: coerced.value, type };
  };
  switch (raw.kind) {
    case 'null': return natural(undefined);
    case 'boolean': return natural(BOOLEAN);
    case 'string': return natural({ kind: 'primitive', name: 'string' });
    case 'hex': return natural({ kind: 'primitive', name: 'binary' });
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      return natural({ kind: 'primitive', name: raw.kind });
    case 'number': {
      if (/[eE]/.test(raw.text)) return natural(DOUBLE);
      const [whole = '', fraction] = raw.text.replace(/^[+-]/, '').split('.');
      if (fraction === undefined) {
        const value = BigInt(raw.text);
        const within = ([min, max]: readonly [bigint, bigint]): boolean => value >= min && value <= max;
        if (within(INTEGRAL_RANGES.integer)) return natural(INTEGER);
        if (within(INTEGRAL_RANGES.long)) return natural(LONG);
      }
      const digits = (whole.replace(/^0+/, '') + (fraction ?? '')).length;
      const scale = fraction?.length ?? 0;
      const precision = Math.max(digits, scale, 1);
      if (precision > MAX_DECIMAL_PRECISION) return natural(DOUBLE);
      return natural({ kind: 'decimal', precision, scale });
    }
  }
}

function typeOfKnown(nodes: readonly Node[]): DataType | undefined {
  let type: DataType | undefined;
  for (const node of nodes) {
    if (node.raw || node.expr.type === undefined) continue;
    type = type === undefined ? node.expr.type : commonType(type, node.expr.type) ?? type;
  }
  return type;
}

function castTo(expr: Expression, type: DataType | undefined): Expression {
  if (type === undefined || (expr.type !== undefined && sameType(expr.type, type))) return expr;
  if (expr.kind === 'literal' && expr.value === null) return { kind: 'literal', value: null, type };
  return { kind: 'cast', operand: expr, type };
}

function describeType(type: DataType | undefined): string {
  return type === undefined ? 'NULL' : formatDataType(type);
}

function expectedFor(type: DataType): string {
  if (isNumeric(type)) return 'a numeric expression';
  if (isPrimitive(type, 'date', 'timestamp', 'timestamp_ntz')) return 'a date or timestamp expression';
  return `an expression of type ${formatDataType(type)}`;
}
