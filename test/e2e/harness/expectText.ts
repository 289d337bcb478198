import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { UI_TIMEOUT } from './uiTimeout';

/**
 * Polls the text of `source` (an element's innerText, trimmed, or what a function reads) until it
 * equals `expected` (a string) or matches it (a RegExp), then returns it. UI text is written by
 * messages that arrive in their own time, so a single read right after the element appears may see
 * an earlier state. After `timeoutMs` it asserts on the last text read, so the failure shows it.
 */
export async function expectText(source: Locator | (() => Promise<string>), expected: string | RegExp, timeoutMs = UI_TIMEOUT): Promise<string> {
  const read = typeof source === 'function' ? source : async (): Promise<string> => (await source.innerText({ timeout: 5_000 })).trim();
  const matches = (text: string): boolean => (typeof expected === 'string' ? text === expected : expected.test(text));
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (matches(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) break;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  if (last === undefined) throw new Error(`no text to compare with ${String(expected)} within ${timeoutMs} ms`, { cause: lastError });
  if (typeof expected === 'string') assert.equal(last, expected);
  else assert.match(last, expected);
  return last;
}
