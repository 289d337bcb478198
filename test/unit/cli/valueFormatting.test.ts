import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDecimal, readUnscaledDecimal } from '../../../src/format/decimal';
import { shortestFloat32 } from '../../../src/format/float32';
import { formatDate, formatTimestampMicros } from '../../../src/format/temporal';

test('dates: epoch, before 1970, leap day, year 0, negative years and years past 9999', () => {
  assert.equal(formatDate(0), '1970-01-01');
  assert.equal(formatDate(-1), '1969-12-31');
  assert.equal(formatDate(19723), '2024-01-01');
  assert.equal(formatDate(11016), '2000-02-29');
  assert.equal(formatDate(-719528), '0000-01-01');
  assert.equal(formatDate(-719529), '-000001-12-31');
  assert.equal(formatDate(2932896), '9999-12-31');
  assert.equal(formatDate(2932897), '+010000-01-01');
  assert.equal(formatDate(-2147483648), '-5877641-06-23');
});

test('timestamps keep six fraction digits, also before 1970', () => {
  assert.equal(formatTimestampMicros(0n, true), '1970-01-01T00:00:00.000000Z');
  assert.equal(formatTimestampMicros(-1n, true), '1969-12-31T23:59:59.999999Z');
  assert.equal(formatTimestampMicros(-1234567n, false), '1969-12-31T23:59:58.765433');
  assert.equal(formatTimestampMicros(1700000000123456n, true), '2023-11-14T22:13:20.123456Z');
  assert.equal(formatTimestampMicros(-62135596800000000n, false), '0001-01-01T00:00:00.000000');
  assert.equal(formatTimestampMicros(253402300799999999n, true), '9999-12-31T23:59:59.999999Z');
});

test('decimals are exact at 38 digits and keep their scale', () => {
  assert.equal(formatDecimal(1230n, 2), '12.30');
  assert.equal(formatDecimal(-5n, 2), '-0.05');
  assert.equal(formatDecimal(0n, 2), '0.00');
  assert.equal(formatDecimal(7n, 0), '7');
  assert.equal(formatDecimal(-(10n ** 38n - 1n), 18), '-99999999999999999999.999999999999999999');
  assert.equal(formatDecimal(10n ** 38n - 1n, 38), '0.99999999999999999999999999999999999999');
});

test('decimal words are little-endian two\'s complement', () => {
  const words = new Uint32Array([0xfffffffb, 0xffffffff, 0xffffffff, 0xffffffff, 1230, 0, 0, 0, 0, 0, 0, 0x80000000]);
  assert.equal(readUnscaledDecimal(words, 0, 4), -5n);
  assert.equal(readUnscaledDecimal(words, 1, 4), 1230n);
  assert.equal(readUnscaledDecimal(words, 2, 4), -(2n ** 127n));
});

test('float32 values print as the shortest decimal that round-trips', () => {
  assert.equal(shortestFloat32(Math.fround(0.1)), 0.1);
  assert.equal(shortestFloat32(Math.fround(1 / 3)), 0.33333334);
  assert.equal(shortestFloat32(Math.fround(3.4028234663852886e38)), 3.4028235e38);
  assert.equal(shortestFloat32(Math.fround(1e-45)), 1e-45);
  assert.equal(shortestFloat32(Math.fround(16777217)), 16777216);
  assert.ok(Number.isNaN(shortestFloat32(NaN)));
  assert.equal(shortestFloat32(-Infinity), -Infinity);
});
