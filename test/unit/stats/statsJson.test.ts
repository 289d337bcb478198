import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeltaError } from '../../../src/delta/errors';
import { JsonNumberText, parseRawJson, type RawJson } from '../../../src/delta/stats/rawJson';
import { parseStatsJson } from '../../../src/delta/stats/statsJson';
import { toStatValue } from '../../../src/delta/stats/statValue';
import type { DataType } from '../../../src/delta/schema';

/** Numbers compared by the value their text denotes, since the fast path prints them shortest. */
function normalise(value: RawJson): unknown {
  if (value instanceof JsonNumberText) return { number: Number(value.text), decimal: toStatValue(value, DECIMAL, 'min') };
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    assert.equal(Object.getPrototypeOf(value), null);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

const DECIMAL: DataType = { kind: 'decimal', precision: 38, scale: 10 };

describe('parseStatsJson', () => {
  test('reads the same values as the exact parser', () => {
    const texts = [
      '{"numRecords":8,"minValues":{"id":120,"value":60.0,"name":"name-000120"},"maxValues":{"id":127,"value":63.5},"nullCount":{"id":0}}',
      '{"numRecords":3,"minValues":{"d":"12.30","n":-0.0,"e":1.5e-7,"big":1e21,"t":"2021-01-01T00:00:00.000Z"},"tightBounds":false}',
      '{"a":[1,2.25,null,true,"x"],"__proto__":{"k":1},"toString":5}',
    ];
    for (const text of texts) assert.deepEqual(normalise(parseStatsJson(text)), normalise(parseRawJson(text)));
  });

  test('keeps every digit of numbers a double cannot hold', () => {
    const parsed = parseStatsJson('{"maxValues":{"l":9007199254740993,"d":3333333333.3333333333}}') as { maxValues: { l: JsonNumberText; d: JsonNumberText } };
    assert.equal(parsed.maxValues.l.text, '9007199254740993');
    assert.equal(parsed.maxValues.d.text, '3333333333.3333333333');
  });

  test('a decimal statistic reads as the exact value on both paths', () => {
    const fast = parseStatsJson('{"v":12.30}') as { v: JsonNumberText };
    assert.deepEqual(toStatValue(fast.v, { kind: 'decimal', precision: 5, scale: 2 }, 'max'), { unscaled: 1230n, scale: 2 });
  });

  test('invalid JSON raises the exact parser\'s error', () => {
    assert.throws(() => parseStatsJson('{"numRecords":1,'), (error: unknown) => error instanceof DeltaError && error.code === 'DELTA_CORRUPT_COMMIT');
  });
});
