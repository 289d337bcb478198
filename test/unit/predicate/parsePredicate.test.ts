import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchemaString, type StructType } from '../../../src/delta/schema';
import { parsePredicate } from '../../../src/delta/predicate/parsePredicate';
import { formatPredicate } from '../../../src/delta/predicate/formatPredicate';
import { columnsOf } from '../../../src/delta/predicate/columnsOf';
import { InvalidPredicateError } from '../../../src/delta/predicate/invalidPredicateError';
import { isDeltaError } from '../../../src/delta/errors';
import type { Predicate } from '../../../src/delta/predicate/ast';

const field = (name: string, type: unknown) => ({ name, type, nullable: true, metadata: {} });
const schema: StructType = parseSchemaString(JSON.stringify({
  type: 'struct',
  fields: [
    field('i', 'integer'), field('l', 'long'), field('s', 'short'), field('b', 'byte'),
    field('f', 'float'), field('d', 'double'), field('dec', 'decimal(10,2)'), field('str', 'string'),
    field('flag', 'boolean'), field('bin', 'binary'), field('day', 'date'), field('ts', 'timestamp'),
    field('ntz', 'timestamp_ntz'), field('weird name', 'integer'), field('date', 'date'),
    field('nested', { type: 'struct', fields: [field('inner', { type: 'struct', fields: [field('leaf', 'long')] }), field('x', 'string')] }),
    field('arr', { type: 'array', elementType: 'integer', containsNull: true }),
  ],
}));

const parse = (text: string): Predicate => parsePredicate(text, schema);
const valueOf = (text: string): unknown => {
  const p = parse(text);
  assert.equal(p.kind, 'comparison');
  return p.kind === 'comparison' ? p.value : undefined;
};
function rejects(text: string, position: number, fragment: RegExp): void {
  assert.throws(() => parse(text), (error: unknown) => {
    assert.ok(error instanceof InvalidPredicateError, `not an InvalidPredicateError: ${String(error)}`);
    assert.ok(isDeltaError(error, 'DELTA_INVALID_PREDICATE'));
    assert.equal(error.position, position, error.message);
    assert.match(error.message, fragment);
    assert.match(error.message, new RegExp(`at position ${position + 1}:`));
    return true;
  });
}

describe('parsePredicate literals', () => {
  test('integers by column type', () => {
    assert.equal(valueOf('i = 42'), 42);
    assert.equal(valueOf('i = -2147483648'), -2147483648);
    assert.equal(valueOf('l = 9223372036854775807'), 9223372036854775807n);
    assert.equal(valueOf('l = -5'), -5n);
    assert.equal(valueOf('s = 32767'), 32767);
    assert.equal(valueOf('b = -128'), -128);
  });
  test('floats and doubles', () => {
    assert.equal(valueOf('d = 1.5e3'), 1500);
    assert.equal(valueOf('f = 0.25'), 0.25);
    assert.equal(valueOf('d = 7'), 7);
    assert.ok(Number.isNaN(valueOf("d = 'NaN'")));
    assert.equal(valueOf("d > '-Infinity'"), -Infinity);
  });
  test('decimals are exact, at the column scale when possible', () => {
    assert.deepEqual(valueOf('dec = 12.5'), { unscaled: 1250n, scale: 2 });
    assert.deepEqual(valueOf('dec = -3'), { unscaled: -300n, scale: 2 });
    assert.deepEqual(valueOf('dec = 0.125'), { unscaled: 125n, scale: 3 });
    assert.deepEqual(valueOf('dec = 1e2'), { unscaled: 10000n, scale: 2 });
  });
  test('strings with the doubled-quote escape', () => {
    assert.equal(valueOf("str = 'it''s'"), "it's");
    assert.equal(valueOf("str = ''"), '');
    assert.equal(valueOf("str = 'héllo 😀'"), 'héllo 😀');
  });
  test('booleans, binary and NULL', () => {
    assert.equal(valueOf('flag = true'), true);
    assert.equal(valueOf('flag = FALSE'), false);
    assert.deepEqual(valueOf("bin = X'00fF10'"), new Uint8Array([0, 255, 16]));
    assert.deepEqual(valueOf("bin = 'AB'"), new Uint8Array([65, 66]));
    assert.equal(valueOf('i = NULL'), null);
  });
  test('dates are days since the epoch; plain strings are coerced', () => {
    assert.equal(valueOf("day = DATE '1970-01-02'"), 1);
    assert.equal(valueOf("day = '2024-01-31'"), 19753);
    assert.equal(valueOf("day = date '1969-12-31'"), -1);
    assert.equal(valueOf("day = DATE '0001-01-01'"), -719162);
  });
  test('timestamps are microseconds since the epoch', () => {
    assert.equal(valueOf("ts = TIMESTAMP '1970-01-01 00:00:01'"), 1_000_000n);
    assert.equal(valueOf("ts = TIMESTAMP '2024-01-31 10:00:00.123456Z'"), 1706695200123456n);
    assert.equal(valueOf("ts = TIMESTAMP '2024-01-31 12:00:00.5+02:00'"), 1706695200500000n);
    assert.equal(valueOf("ts = '2024-01-31T10:00:00'"), 1706695200000000n);
    assert.equal(valueOf("ts = '2024-01-31'"), 1706659200000000n);
    assert.equal(valueOf("ts = TIMESTAMP '1969-12-31 23:59:59.999999'"), -1n);
    assert.equal(valueOf("ntz = TIMESTAMP_NTZ '2024-01-31 10:00:00'"), 1706695200000000n);
  });
});

describe('parsePredicate structure', () => {
  test('AND binds tighter than OR, NOT tighter than AND', () => {
    const p = parse('i = 1 OR i = 2 AND NOT i = 3');
    assert.equal(p.kind, 'or');
    assert.equal(formatPredicate(p), 'i = 1 OR i = 2 AND NOT i = 3');
    if (p.kind !== 'or') return;
    assert.equal(p.right.kind, 'and');
    if (p.right.kind !== 'and') return;
    assert.equal(p.right.right.kind, 'not');
  });
  test('parentheses override precedence', () => {
    const p = parse('(i = 1 OR i = 2) AND i = 3');
    assert.equal(p.kind, 'and');
    assert.equal(formatPredicate(p), '(i = 1 OR i = 2) AND i = 3');
  });
  test('a literal on the left flips the operator', () => {
    assert.deepEqual(parse('5 < i'), { kind: 'comparison', op: '>', column: { path: ['i'], type: { kind: 'primitive', name: 'integer' } }, value: 5 });
    assert.equal(formatPredicate(parse('5 >= i')), 'i <= 5');
    assert.equal(formatPredicate(parse('i <> 5')), 'i != 5');
  });
  test('IN, NOT IN, IS [NOT] NULL, BETWEEN, keywords in any case', () => {
    assert.equal(formatPredicate(parse("str in ('a','b')")), "str IN ('a', 'b')");
    assert.equal(formatPredicate(parse('i Not In (1, 2)')), 'i NOT IN (1, 2)');
    assert.equal(formatPredicate(parse('i is null')), 'i IS NULL');
    assert.equal(formatPredicate(parse('i IS NOT NULL')), 'i IS NOT NULL');
    assert.equal(formatPredicate(parse('i BETWEEN 1 AND 5 AND l = 2')), 'i >= 1 AND i <= 5 AND l = 2');
    assert.equal(formatPredicate(parse('i not between 1 and 5')), 'NOT (i >= 1 AND i <= 5)');
  });
  test('nested, back-quoted and case-insensitive columns keep the schema spelling', () => {
    const p = parse('NESTED.Inner.leaf = 3 AND `weird name` > 1 AND nested.`x` = \'a\'');
    assert.deepEqual(columnsOf(p), [['nested', 'inner', 'leaf'], ['weird name'], ['nested', 'x']]);
    assert.equal(formatPredicate(p), "nested.inner.leaf = 3 AND `weird name` > 1 AND nested.x = 'a'");
  });
  test('a column named like a type keyword is still a column', () => {
    assert.equal(formatPredicate(parse("date = DATE '2024-01-01'")), "date = DATE '2024-01-01'");
  });
  test('a boolean column alone means column = TRUE', () => {
    assert.equal(formatPredicate(parse('flag AND NOT flag')), 'flag = TRUE AND NOT flag = TRUE');
  });
  test('columnsOf lists each column once', () => {
    assert.deepEqual(columnsOf(parse('i = 1 OR (i = 2 AND str IS NULL) OR NOT i IN (3)')), [['i'], ['str']]);
  });
});

describe('parsePredicate errors carry the position and what was expected', () => {
  test('unknown column lists the known ones', () => rejects('i = 1 AND nope = 2', 10, /unknown column nope; known columns: i, l/));
  test('unknown nested field', () => rejects('nested.zzz = 1', 0, /unknown column nested\.zzz; known columns of nested: inner, x/));
  test('string for an integer column', () => rejects("i = 'x'", 4, /i is integer: expected an integer between -2147483648 and 2147483647, found 'x'/));
  test('out of range integer', () => rejects('b = 128', 4, /expected an integer between -128 and 127/));
  test('fraction for an integer column', () => rejects('l > 1.5', 4, /l is long: expected an integer/));
  test('number for a string column', () => rejects('str = 5', 6, /str is string: expected a quoted string/));
  test('invalid date', () => rejects("day = DATE '2024-02-30'", 6, /expected a date such as DATE '2024-01-31', found DATE '2024-02-30'/));
  test('zone on timestamp_ntz', () => rejects("ntz = '2024-01-01 00:00:00Z'", 6, /without a time zone/));
  test('two columns', () => rejects('i = l', 4, /comparing two columns is not supported/));
  test('two literals', () => rejects('1 = 2', 0, /one side of a comparison must be a column/));
  test('missing value', () => rejects('i =', 3, /expected a column name or a literal value, found the end of the predicate/));
  test('missing closing parenthesis', () => rejects('(i = 1', 6, /expected a closing "\)"/));
  test('trailing garbage', () => rejects('i = 1 i = 2', 6, /expected AND, OR or the end of the predicate, found "i"/));
  test('unterminated string', () => rejects("str = 'abc", 6, /unterminated string/));
  test('unexpected character', () => rejects('i = 1 ; drop', 6, /unexpected character ";"/));
  test('comparison on an array column', () => rejects('arr = 1', 6, /only IS \[NOT\] NULL applies/));
  test('non-boolean column alone', () => rejects('i AND flag', 2, /expected a comparison/));
  test('reserved word as a column', () => rejects('and = 1', 0, /expected a column name or a literal value, found "and"/));
});

describe('formatPredicate round-trips', () => {
  const cases = [
    "i = 1 AND (l > 2 OR str IN ('x', 'y''z')) AND NOT (flag = TRUE OR day < DATE '2000-01-01')",
    "ts >= TIMESTAMP '2024-01-31 10:00:00.000001Z' AND ntz < TIMESTAMP_NTZ '1900-01-01 00:00:00'",
    "dec BETWEEN -1.25 AND 3.125 OR d = 1e300 OR d = 'NaN' OR f <= '-Infinity' OR d = -0.0",
    "bin = X'DEADBEEF' OR nested.inner.leaf NOT IN (-9223372036854775808, 0) OR `weird name` IS NOT NULL",
    'i = 1 OR (i = 2 OR i = 3)', 'i = 1 AND (i = 2 AND i = 3)', 'NOT NOT i IS NULL', 'i = NULL', "`and` = 'x'",
  ];
  const extended: StructType = { kind: 'struct', fields: [...schema.fields, { name: 'and', type: { kind: 'primitive', name: 'string' }, nullable: true, metadata: {} }] };
  for (const text of cases) {
    test(text, () => {
      const p = parsePredicate(text, extended);
      const again = parsePredicate(formatPredicate(p), extended);
      assert.deepEqual(again, p);
      assert.equal(formatPredicate(again), formatPredicate(p));
    });
  }
});
