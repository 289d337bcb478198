import type { DeltaError } from '../errors';
import type { ComparisonOp } from './ast';
import { RESERVED_WORDS, type Token } from './lexer';
import type { RawLiteral } from './literal';

/** A literal token (or two: `DATE '...'`) read from the input, with where it stands. */
export interface LiteralToken { raw: RawLiteral; start: number; end: number }

/** A dotted column name as written, with where it stands. */
export interface ColumnPathToken { path: string[]; start: number; end: number }

const COMPARISON_OPS: Record<string, ComparisonOp> = {
  '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};
const TYPED_STRING_PREFIXES: Record<string, 'date' | 'timestamp' | 'timestamp_ntz'> = { DATE: 'date', TIMESTAMP: 'timestamp', TIMESTAMP_NTZ: 'timestamp_ntz' };

/**
 * The token-level reading shared by the `--where` predicate parser and the expression parser:
 * keywords, symbols, comparison operators, literals and column paths. Each language keeps its
 * own grammar and typing; only its error class and its name in messages differ here.
 */
export class TokenParser {
  protected index = 0;

  constructor(
    protected readonly tokens: Token[],
    private readonly language: 'predicate' | 'expression',
    private readonly error: (position: number, problem: string) => DeltaError,
  ) {}

  protected peek(): Token {
    return this.tokens[this.index]!;
  }

  protected acceptKeyword(word: string): boolean {
    const token = this.peek();
    if (token.kind !== 'identifier' || token.upper !== word) return false;
    this.index++;
    return true;
  }

  protected expectKeyword(word: string, expected: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected(this.peek(), expected);
  }

  protected acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.kind !== 'symbol' || token.text !== symbol) return false;
    this.index++;
    return true;
  }

  protected expectSymbol(symbol: string, expected: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unexpected(this.peek(), expected);
  }

  protected acceptComparisonOp(): ComparisonOp | undefined {
    const token = this.peek();
    const op = token.kind === 'symbol' ? COMPARISON_OPS[token.text] : undefined;
    if (op) this.index++;
    return op;
  }

  /** An unsigned literal: number, string, X'hex', TRUE, FALSE, NULL or DATE/TIMESTAMP[_NTZ] 'text'. */
  protected acceptLiteral(): LiteralToken | undefined {
    const token = this.peek();
    const start = token.start;
    if (token.kind === 'number' || token.kind === 'string' || token.kind === 'hex') {
      this.index++;
      return { raw: { kind: token.kind, text: token.text }, start, end: token.end };
    }
    if (token.kind !== 'identifier') return undefined;
    if (token.upper === 'TRUE' || token.upper === 'FALSE') {
      this.index++;
      return { raw: { kind: 'boolean', value: token.upper === 'TRUE' }, start, end: token.end };
    }
    if (token.upper === 'NULL') {
      this.index++;
      return { raw: { kind: 'null' }, start, end: token.end };
    }
    const after = this.tokens[this.index + 1]!;
    const typedPrefix = TYPED_STRING_PREFIXES[token.upper];
    if (typedPrefix && after.kind === 'string') {
      this.index += 2;
      return { raw: { kind: typedPrefix, text: after.text }, start, end: after.end };
    }
    return undefined;
  }

  /** `name(.name)*`, names bare (not reserved) or back-quoted; `expected` words the error otherwise. */
  protected parseColumnPath(expected: string): ColumnPathToken {
    const start = this.peek().start;
    const path: string[] = [this.columnNamePart(expected)];
    while (this.acceptSymbol('.')) path.push(this.columnNamePart(expected));
    return { path, start, end: this.tokens[this.index - 1]!.end };
  }

  protected unexpected(token: Token, expected: string): DeltaError {
    return this.error(token.start, `expected ${expected}, found ${this.describeToken(token)}.`);
  }

  private columnNamePart(expected: string): string {
    const token = this.peek();
    if (token.kind === 'quotedIdentifier' || (token.kind === 'identifier' && !RESERVED_WORDS.has(token.upper))) {
      this.index++;
      return token.text;
    }
    throw this.unexpected(token, expected);
  }

  private describeToken(token: Token): string {
    switch (token.kind) {
      case 'end': return `the end of the ${this.language}`;
      case 'string': return `'${token.text}'`;
      case 'quotedIdentifier': return `\`${token.text}\``;
      case 'hex': return `X'${token.text}'`;
      default: return `"${token.text}"`;
    }
  }
}
