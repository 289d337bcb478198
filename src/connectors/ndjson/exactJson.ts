import { randomUUID } from 'node:crypto';

/** A JSON number kept as its text, so longs beyond 2^53 and decimals keep every digit. */
export class JsonNumberText {
  constructor(readonly text: string) {}

  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
}

export type JsonValue = null | boolean | string | JsonNumberText | JsonValue[] | { [key: string]: JsonValue };

// Strings are matched first so that digits inside them are never taken for numbers.
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * JSON.parse with every number kept as text (Node 20 has no reviver access to the source text).
 * Numbers are first wrapped in strings carrying a marker unique to this process, which no real
 * string can hold, then unwrapped by the reviver.
 */
export function parseExactJson(text: string): JsonValue {
  const marker = MARKER;
  const wrapped = text.replace(TOKENS, (token) => (token.startsWith('"') ? token : `"${marker}${token}"`));
  return JSON.parse(wrapped, (_key, value: unknown) => {
    if (typeof value === 'string' && value.startsWith(marker)) return new JsonNumberText(value.slice(marker.length));
    return value;
  }) as JsonValue;
}

const MARKER = `\ue000${randomUUID()}:`;
