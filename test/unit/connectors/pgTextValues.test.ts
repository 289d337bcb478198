import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDeltaError } from '../../../src/delta/errors';
import { TextValueEncoder, type TextValueKind } from '../../../src/connectors/postgres/pgTextValues';
import { numericUnscaled, PG_EPOCH_MICROS } from '../../../src/connectors/postgres/pgValueDecoders';

const encoder = new TextValueEncoder();
const encode = (kind: TextValueKind, text: string): number => encoder.encode(kind, text, 'c');
const int64 = (text: string): bigint => { encode('timestamp', text); return encoder.view.getBigInt64(0); };
const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n - BigInt(PG_EPOCH_MICROS);
const numeric = (text: string, precision: number, scale: number): bigint => {
  encode('numeric', text);
  return numericUnscaled(encoder.view, 0, precision, scale, 'c');
};
const refused = (code: string) => (error: unknown) => isDeltaError(error) && error.code === code;

describe('text values re-encoded in binary wire form', () => {
  test('timestamps: ISO output with or without an offset, T and Z, BC, microseconds since 2000', () => {
    assert.equal(int64('2024-01-01 00:00:01.123456'), micros('2024-01-01T00:00:01Z') + 123_456n);
    assert.equal(int64('2024-01-01T00:00:00.000001Z'), micros('2024-01-01T00:00:00Z') + 1n);
    assert.equal(int64('2024-01-01 05:30:00+05:30'), micros('2024-01-01T00:00:00Z'));
    assert.equal(int64('2023-12-31 19:00:00-05'), micros('2024-01-01T00:00:00Z'));
    assert.equal(int64('2000-01-01 00:00:00.123456000'), 123_456n);
    // 1 BC is year 0 of the proleptic Gregorian calendar, 719528 days before 1970.
    assert.equal(int64('0001-01-01 00:00:00 BC'), -719_528n * 86_400_000_000n - BigInt(PG_EPOCH_MICROS));
    assert.equal(int64('infinity'), 0x7fffffffffffffffn);
    assert.throws(() => int64('2024-01-01 00:00:00.123456789'), refused('SOURCE_VALUE_OUT_OF_RANGE'));
    assert.throws(() => int64('01/02/2024'), refused('SOURCE_BAD_ROW'));
  });

  test('dates in days since 2000, integers, floats and booleans', () => {
    encode('date', '1999-12-31');
    assert.equal(encoder.view.getInt32(0), -1);
    encode('date', '2024-03-01');
    assert.equal(encoder.view.getInt32(0), (Date.parse('2024-03-01') - Date.parse('2000-01-01')) / 86_400_000);
    encode('int64', '-9223372036854775808');
    assert.equal(encoder.view.getBigInt64(0), -0x8000000000000000n);
    encode('int16', '-32768');
    assert.equal(encoder.view.getInt16(0), -32768);
    encode('float64', '-Infinity');
    assert.equal(encoder.view.getFloat64(0), -Infinity);
    encode('float32', 'NaN');
    assert.ok(Number.isNaN(encoder.view.getFloat32(0)));
    assert.equal(encode('bool', 't'), 1);
    assert.equal(encoder.bytes[0], 1);
    encode('bool', 'false');
    assert.equal(encoder.bytes[0], 0);
    assert.throws(() => encode('int32', '1.5'), refused('SOURCE_BAD_ROW'));
    assert.throws(() => encode('bool', 'yes'), refused('SOURCE_BAD_ROW'));
  });

  test('numerics keep every digit, whatever the grouping into base-10000 digits', () => {
    assert.equal(numeric('-1234.5600', 10, 2), -123_456n);
    assert.equal(numeric('0', 10, 2), 0n);
    assert.equal(numeric('-0.001', 10, 3), -1n);
    assert.equal(numeric('12345678901234567890.123456789012345678', 38, 18), 12_345_678_901_234_567_890_123_456_789_012_345_678n);
    assert.equal(numeric('1.50000000000000000000000000000000000000', 38, 18), 1_500_000_000_000_000_000n);
    assert.equal(numeric('99999', 5, 0), 99_999n);
    assert.throws(() => numeric('0.125', 10, 2), refused('SOURCE_VALUE_OUT_OF_RANGE'));
    assert.throws(() => numeric('NaN', 10, 2), refused('SOURCE_VALUE_OUT_OF_RANGE'));
    assert.throws(() => numeric('1e5', 10, 2), refused('SOURCE_BAD_ROW'));
  });

  test('text as UTF-8; bytea from its hex output, anything else refused', () => {
    const length = encode('bytes', 'é€');
    assert.deepEqual([...encoder.bytes.subarray(0, length)], [0xc3, 0xa9, 0xe2, 0x82, 0xac]);
    const hex = encode('bytea', '\\x00ff10');
    assert.deepEqual([...encoder.bytes.subarray(0, hex)], [0, 255, 16]);
    assert.throws(() => encode('bytea', '\u00ff\u0001'), refused('SOURCE_TYPE_UNSUPPORTED'));
  });
});
