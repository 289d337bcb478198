import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Int32, Int64, makeData, makeVector, RecordBatch, Struct, Utf8, vectorFromArray, Field, Schema, Data, Decimal } from 'apache-arrow';
import { parseSchemaString, type StructType } from '../../../src/delta/schema';
import { parseAssignedValue, parseCondition, parseExpression } from '../../../src/delta/predicate/parseExpression';
import { compileExpression } from '../../../src/delta/predicate/compileExpression';
import { mergeScope, tableScope } from '../../../src/delta/predicate/expressionScope';
import { columnCells } from '../../../src/delta/predicate/readCell';
import { formatDecimal } from '../../../src/delta/predicate/decimal';
import { isDecimalValue, type TypedValue } from '../../../src/delta/predicate/typedValue';
import { InvalidExpressionError } from '../../../src/delta/predicate/invalidExpressionError';
import { isDeltaError, type DeltaErrorCode } from '../../../src/delta/errors';
import type { Expression } from '../../../src/delta/predicate/expression';

const field = (name: string, type: unknown) => ({ name, type, nullable: true, metadata: {} });
const schema: StructType = parseSchemaString(JSON.stringify({
  type: 'struct',
  fields: [field('i', 'integer'), field('l', 'long'), field('price', 'decimal(10,2)'), field('name', 'string'), field('d', 'double'), field('day', 'date')],
}));

/** One row: i, l, price (unscaled cents), name; undefined -> NULL. */
function row(values: { i?: number; l?: bigint; cents?: bigint; name?: string; d?: number }): RecordBatch {
  const validity = (present: boolean): Uint8Array => Uint8Array.of(present ? 1 : 0);
  const price = new Uint32Array(4);
  const cents = values.cents ?? 0n;
  const unsigned = BigInt.asUintN(128, cents);
  for (let w = 0; w < 4; w++) price[w] = Number((unsigned >> BigInt(32 * w)) & 0xffffffffn);
  const children = [
    makeData({ type: new Int32(), length: 1, nullCount: values.i === undefined ? 1 : 0, nullBitmap: validity(values.i !== undefined), data: Int32Array.of(values.i ?? 0) }),
    makeData({ type: new Int64(), length: 1, nullCount: values.l === undefined ? 1 : 0, nullBitmap: validity(values.l !== undefined), data: BigInt64Array.of(values.l ?? 0n) }),
    new Data(new Decimal(2, 10, 128), 0, 1, values.cents === undefined ? 1 : 0, [undefined, price, validity(values.cents !== undefined)]),
    vectorFromArray([values.name ?? null], new Utf8()).data[0]!,
    makeVector(Float64Array.of(values.d ?? 0)).data[0]!,
    makeVector(Int32Array.of(0)).data[0]!,
  ];
  const fields = ['i', 'l', 'price', 'name', 'd', 'day'].map((n, k) => new Field(n, children[k]!.type, true));
  return new RecordBatch(new Schema(fields), new Data(new Struct(fields), 0, 1, 0, undefined, children));
}

function evaluate(expression: Expression, batch: RecordBatch): TypedValue {
  return compileExpression(expression, (c) => columnCells(batch, c.path, c.type))(0);
}
const value = (text: string, batch = row({ i: 7, l: 10n, cents: 1999n, name: 'Ab c', d: 2.5 })): TypedValue => evaluate(parseExpression(text, tableScope(schema)), batch);
const assigned = (column: string, text: string, batch = row({ i: 7, l: 10n, cents: 1999n, name: 'Ab c', d: 2.5 })): TypedValue => {
  const type = schema.fields.find((f) => f.name === column)!.type;
  return evaluate(parseAssignedValue(text, tableScope(schema), column, type), batch);
};
const decimalText = (v: TypedValue): string => (isDecimalValue(v) ? formatDecimal(v) : `not a decimal: ${String(v)}`);
function failsWith(run: () => unknown, code: DeltaErrorCode, fragment: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isDeltaError(error, code), `expected ${code}, got ${String(error)}`);
    assert.match((error as Error).message, fragment);
    return true;
  });
}

describe('expression language', () => {
  test('arithmetic follows Spark types: int stays int, / of ints is double, decimals are exact', () => {
    assert.equal(value('i + 1'), 8);
    assert.equal(value('i * 2 - 3'), 11);
    assert.equal(value('i / 2'), 3.5);
    assert.equal(value('i % 4'), 3);
    assert.equal(value('-i + l'), 3n);
    assert.equal(value('l * 3'), 30n);
    assert.deepEqual(parseExpression('price * 1.1', tableScope(schema)).type, { kind: 'decimal', precision: 13, scale: 3 });
    assert.equal(decimalText(value('price * 1.1')), '21.989');
    assert.equal(decimalText(value('price + 0.01')), '20.00');
    assert.equal(decimalText(value('price / 3')), '6.663333');
    assert.equal(value('d * 2'), 5);
    // 0.1 + 0.2 stays exact as decimals (a double would give 0.30000000000000004).
    assert.equal(decimalText(value('0.1 + 0.2')), '0.3');
  });

  test('assignment casts to the column: decimals round half up, ints range checked', () => {
    assert.equal(decimalText(assigned('price', 'price * 1.1')), '21.99');
    assert.equal(decimalText(assigned('price', 'price * 1.0005')), '20.00');
    assert.equal(assigned('l', 'i * 1000'), 7000n);
    assert.equal(assigned('i', 'd * 3'), 7);
    assert.equal(assigned('name', "upper(name) || '!'"), 'AB C!');
    assert.equal(assigned('day', "'2024-02-29'"), 19782);
    assert.equal(assigned('name', 'i'), '7');
    failsWith(() => assigned('i', 'l * 300000000'), 'DELTA_ARITHMETIC_OVERFLOW', /3000000000 is out of the range of integer/);
    failsWith(() => assigned('price', 'price * 100000000'), 'DELTA_ARITHMETIC_OVERFLOW', /does not fit decimal\(10,2\)/);
  });

  test('integer overflow and division by zero are errors, not wrapped values', () => {
    failsWith(() => value('i + 2147483647'), 'DELTA_ARITHMETIC_OVERFLOW', /2147483654 is out of the range of integer/);
    failsWith(() => value('l * 9223372036854775807'), 'DELTA_ARITHMETIC_OVERFLOW', /out of the range of long/);
    failsWith(() => value('i / 0'), 'DELTA_DIVIDE_BY_ZERO', /Division by zero/);
    failsWith(() => value('price % 0'), 'DELTA_DIVIDE_BY_ZERO', /Division by zero/);
    assert.equal(value('CAST(i AS bigint) + 2147483647'), 2147483654n);
  });

  test('NULL propagates through operators and functions; coalesce and IS NULL see it', () => {
    const nulls = row({});
    assert.equal(value('i + 1', nulls), null);
    assert.equal(value('upper(name)', nulls), null);
    assert.equal(value("concat('a', name)", nulls), null);
    assert.equal(value('coalesce(i, l, 5)', nulls), 5n);
    assert.equal(value('coalesce(name, \'none\')', nulls), 'none');
    assert.equal(value('i IS NULL', nulls), true);
    assert.equal(value('i > 1 OR TRUE', nulls), true);
    assert.equal(value('i > 1 AND TRUE', nulls), null);
    assert.equal(value('i > 1 AND FALSE', nulls), false);
    assert.equal(value('i IN (1, NULL)'), null);
    assert.equal(value('i IN (7, NULL)'), true);
    assert.equal(value('NULL + 1'), null);
  });

  test('functions and CAST', () => {
    assert.equal(value('lower(name)'), 'ab c');
    assert.equal(value("trim('  x ')"), 'x');
    assert.equal(value('length(name)'), 4);
    assert.equal(value("concat(name, '-', i, '-', price)"), 'Ab c-7-19.99');
    assert.equal(value('abs(-i)'), 7);
    assert.equal(value("CAST('42' AS int) + 1"), 43);
    assert.equal(decimalText(value('CAST(d AS decimal(5,1))')), '2.5');
    assert.equal(value('CAST(price AS string)'), '19.99');
    assert.equal(value("CAST('2024-01-31' AS date)"), 19753);
    failsWith(() => value("CAST('x1' AS int)"), 'DELTA_CAST_INVALID_INPUT', /'x1' cannot be read as integer/);
  });

  test('type errors name the column, the expected and the found type, and the position', () => {
    assert.throws(() => parseAssignedValue("name || 'x'", tableScope(schema), 'price', { kind: 'decimal', precision: 10, scale: 2 }), (error: unknown) => {
      assert.ok(error instanceof InvalidExpressionError);
      assert.equal(error.code, 'DELTA_INVALID_EXPRESSION');
      assert.match(error.message, /price is decimal\(10,2\): expected a numeric expression, found string/);
      return true;
    });
    assert.throws(() => parseAssignedValue("'abc'", tableScope(schema), 'i', { kind: 'primitive', name: 'integer' }), /i is integer: expected an integer between/);
    assert.throws(() => parseExpression("name + 1", tableScope(schema)), /at position 6: "\+" needs numbers, found string \+ integer \(join strings with \|\| or concat\)/);
    assert.throws(() => parseExpression('nope + 1', tableScope(schema)), /unknown column nope/);
    assert.throws(() => parseExpression('upper(i)', tableScope(schema)), /upper expects a string, found integer/);
    assert.throws(() => parseCondition('i + 1', tableScope(schema)), /a condition must be boolean, found integer/);
    assert.throws(() => parseExpression('frobnicate(i)', tableScope(schema)), /unknown function frobnicate/);
  });

  test('comparisons type literals by the other side, and compare columns with columns', () => {
    assert.equal(value("day = '1970-01-01'"), true);
    assert.equal(value('i < l'), true);
    assert.equal(value('price > 19.98 AND price < 20'), true);
    assert.equal(value('i BETWEEN 1 AND 7'), true);
    assert.equal(value('i NOT IN (1, 2)'), true);
    assert.equal(value("name = 'Ab c' AND NOT (d <> 2.5)"), true);
  });

  test('MERGE scope: t./s. qualifiers, unique bare names, ambiguity is an error', () => {
    const source = parseSchemaString(JSON.stringify({ type: 'struct', fields: [field('i', 'integer'), field('op', 'string')] }));
    const scope = mergeScope({ target: schema, source });
    const condition = parseCondition("s.i > t.i AND op = 'U' AND target.name IS NOT NULL", scope);
    assert.equal(condition.kind, 'and');
    assert.throws(() => parseCondition('i > 1', scope), /i is ambiguous: both the table and the source have it; write t.i or s.i/);
    assert.throws(() => parseCondition('s.name IS NULL', scope), /unknown column s.name/);
    assert.throws(() => parseCondition('t.i > 1', mergeScope({ source })), /this clause has no target row/);
    assert.equal(parseCondition('i > 1', mergeScope({ target: schema, source }, 'source')).kind, 'compare');
  });
});
