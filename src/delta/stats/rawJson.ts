import { DeltaError } from '../errors';

/**
 * A JSON number kept as its text. `JSON.parse` turns `3333333333.3333333333` (a decimal(20,10)
 * statistic) or a long beyond 2^53 into a lossy double; statistics must stay exact.
 */
export class JsonNumberText {
  constructor(readonly text: string) {}
}

export type RawJson = null | boolean | string | JsonNumberText | RawJson[] | { [key: string]: RawJson };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;
const LITERALS: Array<[string, RawJson]> = [['true', true], ['false', false], ['null', null]];

/** Parses JSON text like `JSON.parse`, except that numbers become `JsonNumberText`. */
export function parseRawJson(text: string): RawJson {
  let i = 0;
  const fail = (what: string): never => {
    throw new DeltaError('DELTA_CORRUPT_COMMIT', `Invalid JSON in file statistics at offset ${i}: ${what}.`);
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = i;
    const m = pattern.exec(text);
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const decodeString = (quoted: string): string => {
    try {
      return JSON.parse(quoted) as string;
    } catch {
      return fail(`invalid string ${quoted.slice(0, 40)}`);
    }
  };
  const value = (): RawJson => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      const object: { [key: string]: RawJson } = Object.create(null) as { [key: string]: RawJson };
      skipSpace();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        skipSpace();
        const key = match(STRING) ?? fail('expected a quoted key');
        skipSpace();
        if (text[i++] !== ':') fail('expected ":"');
        object[decodeString(key)] = value();
        skipSpace();
        const next = text[i++];
        if (next === '}') return object;
        if (next !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const array: RawJson[] = [];
      skipSpace();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        array.push(value());
        skipSpace();
        const next = text[i++];
        if (next === ']') return array;
        if (next !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return decodeString(match(STRING) ?? fail('unterminated string'));
    const number = match(NUMBER);
    if (number !== undefined) return new JsonNumberText(number);
    for (const [word, literal] of LITERALS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return literal;
      }
    }
    return fail('unexpected character');
  };
  const result = value();
  skipSpace();
  if (i < text.length) fail('unexpected text after the value');
  return result;
}
