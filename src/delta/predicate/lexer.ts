import { InvalidPredicateError } from './invalidPredicateError';

export type TokenKind =
  | 'identifier' // bare word, keywords included (compare `upper`)
  | 'quotedIdentifier' // `back quoted`, text unescaped
  | 'number' // digits with optional fraction and exponent, no sign
  | 'string' // 'single quoted', text unescaped
  | 'hex' // X'0AFF', text is the hex digits
  | 'symbol' // = == != <> < <= > >= ( ) , . - + * / % ||
  | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Upper-cased text of identifiers, for keyword matching. */
  upper: string;
  start: number;
  end: number;
}

/** Words that cannot be bare column names (backquote them to use them as names). */
export const RESERVED_WORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'BETWEEN', 'TRUE', 'FALSE']);

const SYMBOLS = ['<=', '>=', '<>', '!=', '==', '||', '=', '<', '>', '(', ')', ',', '.', '-', '+', '*', '/', '%'];
const NUMBER = /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number, end: number): void => {
    tokens.push({ kind, text: value, upper: kind === 'identifier' ? value.toUpperCase() : value, start, end });
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ((c === 'x' || c === 'X') && text[i + 1] === "'") {
      const [value, end] = readQuoted(text, i + 1, "'", 'hex literal');
      if (!/^(?:[0-9A-Fa-f]{2})*$/.test(value)) {
        throw new InvalidPredicateError(i, `X'${value}' is not a binary literal: use an even number of hex digits.`);
      }
      push('hex', value, i, end);
      i = end;
      continue;
    }
    if (c === "'" || c === '`') {
      const [value, end] = readQuoted(text, i, c, c === "'" ? 'string' : 'quoted column name');
      push(c === "'" ? 'string' : 'quotedIdentifier', value, i, end);
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = /\d/.test(c) ? NUMBER.exec(text) : null;
    if (number) {
      push('number', number[0], i, i + number[0].length);
      i += number[0].length;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(text);
    if (word) {
      push('identifier', word[0], i, i + word[0].length);
      i += word[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
    if (!symbol) throw new InvalidPredicateError(i, `unexpected character "${c}".`);
    push('symbol', symbol, i, i + symbol.length);
    i += symbol.length;
  }
  push('end', '', text.length, text.length);
  return tokens;
}

/** Reads a quoted run starting at the opening quote; a doubled quote stands for one quote. */
function readQuoted(text: string, open: number, quote: string, what: string): [string, number] {
  let value = '';
  let i = open + 1;
  for (;;) {
    const close = text.indexOf(quote, i);
    if (close < 0) throw new InvalidPredicateError(open, `unterminated ${what}: add the closing ${quote}.`);
    value += text.slice(i, close);
    if (text[close + 1] !== quote) return [value, close + 1];
    value += quote;
    i = close + 2;
  }
}
