import { test } from 'node:test';
import assert from 'node:assert/strict';
import { primitive, parseSchemaString, type DataType } from '../../../src/delta/schema';
import { parsePartitionValue, typedPartitionValues } from '../../../src/delta/stats/partitionValue';
import { isDeltaError } from '../../../src/delta/errors';

const decimal = (precision: number, scale: number): DataType => ({ kind: 'decimal', precision, scale });

test('partition values in the forms Spark writes (golden data-reader-partition-values)', () => {
  assert.equal(parsePartitionValue('0', primitive('integer')), 0);
  assert.equal(parsePartitionValue('-7', primitive('byte')), -7);
  assert.equal(parsePartitionValue('9223372036854775807', primitive('long')), 9223372036854775807n);
  assert.equal(parsePartitionValue('1.0', primitive('float')), 1);
  assert.ok(Number.isNaN(parsePartitionValue('NaN', primitive('double'))));
  assert.equal(parsePartitionValue('-Infinity', primitive('double')), -Infinity);
  assert.equal(parsePartitionValue('true', primitive('boolean')), true);
  assert.equal(parsePartitionValue('FALSE', primitive('boolean')), false);
  assert.equal(parsePartitionValue('null', primitive('string')), 'null');
  assert.equal(parsePartitionValue('', primitive('string')), '');
  assert.equal(parsePartitionValue('', primitive('integer')), null);
  assert.equal(parsePartitionValue(null, primitive('date')), null);
  assert.equal(parsePartitionValue('2021-09-08', primitive('date')), 18878);
  assert.deepEqual(parsePartitionValue('-2342342.23423', decimal(12, 5)), { unscaled: -234234223423n, scale: 5 });
  assert.deepEqual(parsePartitionValue('0.00004', decimal(12, 5)), { unscaled: 4n, scale: 5 });
  assert.deepEqual(parsePartitionValue('3', decimal(12, 2)), { unscaled: 300n, scale: 2 });
  assert.deepEqual(parsePartitionValue('Ab', primitive('binary')), new Uint8Array([65, 98]));
});

test('timestamps: UTC by default, explicit zones honoured, micros kept', () => {
  assert.equal(parsePartitionValue('2021-09-08 11:11:11', primitive('timestamp')), 1631099471000000n);
  assert.equal(parsePartitionValue('2021-09-08 11:11:11.000001', primitive('timestamp')), 1631099471000001n);
  assert.equal(parsePartitionValue('2021-09-08T13:11:11+02:00', primitive('timestamp')), 1631099471000000n);
  assert.equal(parsePartitionValue('2021-09-08T11:11:11.5Z', primitive('timestamp')), 1631099471500000n);
  assert.equal(parsePartitionValue('2013-07-05 17:01:00.123456', primitive('timestamp_ntz')), 1373043660123456n);
  assert.equal(parsePartitionValue('1969-12-31 23:59:59.999999', primitive('timestamp_ntz')), -1n);
});

test('invalid partition values are reported with the value and type', () => {
  for (const [raw, type] of [['abc', primitive('integer')], ['1.5', primitive('long')], ['yes', primitive('boolean')],
    ['2021-13-01', primitive('date')], ['12:00', primitive('timestamp')], ['1,5', decimal(5, 2)]] as const) {
    assert.throws(() => parsePartitionValue(raw, type), (e: unknown) =>
      isDeltaError(e, 'DELTA_CORRUPT_COMMIT') && e.message.includes(`"${raw}"`));
  }
});

test('typedPartitionValues maps physical keys to logical names', () => {
  const schema = parseSchemaString(JSON.stringify({
    type: 'struct',
    fields: [
      { name: 'Day', type: 'date', nullable: true, metadata: { 'delta.columnMapping.physicalName': 'col-1' } },
      { name: 'n', type: 'integer', nullable: true, metadata: { 'delta.columnMapping.physicalName': 'col-2' } },
      { name: 'v', type: 'string', nullable: true, metadata: { 'delta.columnMapping.physicalName': 'col-3' } },
    ],
  }));
  assert.deepEqual(typedPartitionValues({ 'col-1': '2024-01-31', 'col-2': null }, schema, ['Day', 'n'], 'name'), { Day: 19753, n: null });
  assert.deepEqual(typedPartitionValues({ Day: '1970-01-01', n: '4' }, schema, ['day', 'n'], 'none'), { Day: 0, n: 4 });
  assert.throws(() => typedPartitionValues({ 'col-1': 'x', 'col-2': '1' }, schema, ['Day', 'n'], 'name'),
    (e: unknown) => isDeltaError(e, 'DELTA_CORRUPT_COMMIT') && e.message.startsWith('Column "Day"'));
  assert.throws(() => typedPartitionValues({ 'col-1': '2024-01-01' }, schema, ['Day', 'n'], 'name'),
    (e: unknown) => isDeltaError(e, 'DELTA_CORRUPT_COMMIT') && e.message.includes('"n"'));
});
