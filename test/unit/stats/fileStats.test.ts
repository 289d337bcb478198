import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchemaString, type StructType } from '../../../src/delta/schema';
import { fileStatsFromParsed, parseFileStats } from '../../../src/delta/stats/fileStats';
import { isDeltaError } from '../../../src/delta/errors';

const field = (name: string, type: unknown, physical?: string) => ({
  name, type, nullable: true,
  metadata: physical === undefined ? {} : { 'delta.columnMapping.physicalName': physical },
});
const struct = (...fields: unknown[]) => ({ type: 'struct', fields });
const schemaOf = (...fields: unknown[]): StructType => parseSchemaString(JSON.stringify(struct(...fields)));

// Spark 3.5 / Delta 3.1, golden table data-skipping-basic-stats-all-types.
const ALL_TYPES_STATS = '{"numRecords":1,"minValues":{"as_int":0,"as_long":0,"as_byte":0,"as_short":0,"as_float":0.0,"as_double":0.0,"as_string":"0","as_date":"2000-01-01","as_timestamp":"2000-01-01T00:00:00.000-08:00","as_big_decimal":0},"maxValues":{"as_int":0,"as_long":0,"as_byte":0,"as_short":0,"as_float":0.0,"as_double":0.0,"as_string":"0","as_date":"2000-01-01","as_timestamp":"2000-01-01T00:00:00.000-08:00","as_big_decimal":0},"nullCount":{"as_int":0,"as_long":0,"as_byte":0,"as_short":0,"as_float":0,"as_double":0,"as_string":0,"as_date":0,"as_timestamp":0,"as_big_decimal":0}}';
const allTypes = schemaOf(
  field('as_int', 'integer'), field('as_long', 'long'), field('as_byte', 'byte'), field('as_short', 'short'),
  field('as_float', 'float'), field('as_double', 'double'), field('as_string', 'string'), field('as_date', 'date'),
  field('as_timestamp', 'timestamp'), field('as_big_decimal', 'decimal(1,0)'),
);

// Golden table basic-decimal-table: decimal(5,2), decimal(10,5), decimal(20,10).
const DECIMAL_STATS = [
  '{"numRecords":1,"minValues":{"col1":-999.99,"col2":-99999.99999,"col3":-9999999999.9999999999},"maxValues":{"col1":-999.99,"col2":-99999.99999,"col3":-9999999999.9999999999},"nullCount":{"col1":0,"col2":0,"col3":0}}',
  '{"numRecords":1,"minValues":{"col1":0.00,"col2":0.00000,"col3":0E-10},"maxValues":{"col1":0.00,"col2":0.00000,"col3":0E-10},"nullCount":{"col1":0,"col2":0,"col3":0}}',
  '{"numRecords":1,"minValues":{"col1":111.11,"col2":22222.22222,"col3":3333333333.3333333333},"maxValues":{"col1":111.11,"col2":22222.22222,"col3":3333333333.3333333333},"nullCount":{"col1":0,"col2":0,"col3":0}}',
];
const decimals = schemaOf(field('col1', 'decimal(5,2)'), field('col2', 'decimal(10,5)'), field('col3', 'decimal(20,10)'));

// Golden table table-with-columnmapping-mode-name (name mode, nested struct), a subset of its columns.
const MAPPED_STATS = '{"numRecords":4,"minValues":{"col-d378faa6-75c4-4548-99b3-37da6e514f77":0,"col-fe8ada24-f4e7-47c0-8b04-8207c427b232":0.00,"col-0b5309e1-aa86-4b87-8518-140cde5402c9":"1970-01-01T00:00:00.000Z","col-bd5b1c73-a03c-4003-9f20-87824bdc7bdf":{"col-b70f7585-aae4-4c91-befe-d4b958dc4b38":"0","col-eaa68779-506e-4105-96f2-5ffa36e49460":{"col-47272f8f-d4ab-45e7-a6b8-09a5684bcd0b":0}}},"maxValues":{"col-d378faa6-75c4-4548-99b3-37da6e514f77":4,"col-fe8ada24-f4e7-47c0-8b04-8207c427b232":4.00,"col-0b5309e1-aa86-4b87-8518-140cde5402c9":"1970-01-01T00:00:00.004Z","col-bd5b1c73-a03c-4003-9f20-87824bdc7bdf":{"col-b70f7585-aae4-4c91-befe-d4b958dc4b38":"4","col-eaa68779-506e-4105-96f2-5ffa36e49460":{"col-47272f8f-d4ab-45e7-a6b8-09a5684bcd0b":4}}},"nullCount":{"col-d378faa6-75c4-4548-99b3-37da6e514f77":1,"col-fe8ada24-f4e7-47c0-8b04-8207c427b232":1,"col-ab7a3af3-6d05-47db-85b3-2e915096a3bb":1,"col-0b5309e1-aa86-4b87-8518-140cde5402c9":1,"col-bd5b1c73-a03c-4003-9f20-87824bdc7bdf":{"col-b70f7585-aae4-4c91-befe-d4b958dc4b38":1,"col-eaa68779-506e-4105-96f2-5ffa36e49460":{"col-47272f8f-d4ab-45e7-a6b8-09a5684bcd0b":1}}}}';
const mapped = schemaOf(
  field('LongType', 'long', 'col-d378faa6-75c4-4548-99b3-37da6e514f77'),
  field('decimal', 'decimal(10,2)', 'col-fe8ada24-f4e7-47c0-8b04-8207c427b232'),
  field('BooleanType', 'boolean', 'col-ab7a3af3-6d05-47db-85b3-2e915096a3bb'),
  field('TimestampType', 'timestamp', 'col-0b5309e1-aa86-4b87-8518-140cde5402c9'),
  field('nested_struct', struct(
    field('aa', 'string', 'col-b70f7585-aae4-4c91-befe-d4b958dc4b38'),
    field('ac', struct(field('aca', 'integer', 'col-47272f8f-d4ab-45e7-a6b8-09a5684bcd0b')), 'col-eaa68779-506e-4105-96f2-5ffa36e49460'),
  ), 'col-bd5b1c73-a03c-4003-9f20-87824bdc7bdf'),
);

// Golden table data-reader-timestamp_ntz, and dv-partitioned-with-checkpoint (tightBounds).
const NTZ_STATS = '{"numRecords":3,"minValues":{"id":0,"tsNtz":"2013-07-05T17:01:00.123"},"maxValues":{"id":2,"tsNtz":"2021-11-18T02:30:00.123"},"nullCount":{"id":0,"tsNtz":1}}';
const DV_STATS = '{"numRecords":3,"minValues":{"col1":0,"col2":"foo0"},"maxValues":{"col1":20,"col2":"foo0"},"nullCount":{"col1":0,"col2":0},"tightBounds":false}';

describe('parseFileStats on Spark-written stats', () => {
  test('every primitive type of data-skipping-basic-stats-all-types', () => {
    const stats = parseFileStats(ALL_TYPES_STATS, allTypes, 'none');
    assert.ok(stats);
    assert.equal(stats.numRecords, 1);
    assert.equal(stats.tightBounds, undefined);
    assert.equal(stats.min(['as_int']), 0);
    assert.equal(stats.max(['as_long']), 0n);
    assert.equal(stats.min(['as_byte']), 0);
    assert.equal(stats.max(['as_double']), 0);
    assert.equal(stats.min(['as_string']), '0');
    assert.equal(stats.min(['as_date']), 10957);
    // 2000-01-01T00:00:00-08:00 is 08:00 UTC.
    assert.equal(stats.max(['as_timestamp']), 946713600000000n);
    assert.deepEqual(stats.max(['as_big_decimal']), { unscaled: 0n, scale: 0 });
    assert.equal(stats.nullCount(['as_timestamp']), 0);
    assert.equal(stats.min(['missing']), undefined);
  });

  test('decimals are exact from the JSON text, at the column scale', () => {
    const [negative, zero, big] = DECIMAL_STATS.map((s) => parseFileStats(s, decimals, 'none'));
    assert.deepEqual(negative?.min(['col3']), { unscaled: -99999999999999999999n, scale: 10 });
    assert.deepEqual(negative?.max(['col1']), { unscaled: -99999n, scale: 2 });
    assert.deepEqual(zero?.min(['col3']), { unscaled: 0n, scale: 10 });
    assert.deepEqual(big?.max(['col3']), { unscaled: 33333333333333333333n, scale: 10 });
    assert.deepEqual(big?.min(['col2']), { unscaled: 2222222222n, scale: 5 });
  });

  test('column mapping: physical keys, nested structs, logical paths', () => {
    const stats = parseFileStats(MAPPED_STATS, mapped, 'name');
    assert.ok(stats);
    assert.equal(stats.numRecords, 4);
    assert.equal(stats.max(['LongType']), 4n);
    assert.deepEqual(stats.max(['decimal']), { unscaled: 400n, scale: 2 });
    assert.equal(stats.max(['TimestampType']), 4000n);
    assert.equal(stats.min(['nested_struct', 'aa']), '0');
    assert.equal(stats.max(['nested_struct', 'ac', 'aca']), 4);
    assert.equal(stats.nullCount(['nested_struct', 'ac', 'aca']), 1);
    assert.equal(stats.nullCount(['BooleanType']), 1);
    assert.equal(stats.min(['BooleanType']), undefined);
    // Reading the same stats by logical names finds nothing: the keys are physical.
    assert.equal(parseFileStats(MAPPED_STATS, mapped, 'none')?.max(['LongType']), undefined);
  });

  test('timestamp_ntz without a zone, tightBounds', () => {
    const ntz = parseFileStats(NTZ_STATS, schemaOf(field('id', 'integer'), field('tsNtz', 'timestamp_ntz')), 'none');
    assert.equal(ntz?.min(['tsNtz']), 1373043660123000n);
    assert.equal(ntz?.nullCount(['tsNtz']), 1);
    const dv = parseFileStats(DV_STATS, schemaOf(field('col1', 'integer'), field('col2', 'string')), 'none');
    assert.equal(dv?.tightBounds, false);
    assert.equal(dv?.max(['col1']), 20);
  });

  test('longs beyond 2^53 and floats with NaN', () => {
    const schema = schemaOf(field('l', 'long'), field('d', 'double'));
    const stats = parseFileStats('{"numRecords":2,"minValues":{"l":-9223372036854775808,"d":"-Infinity"},"maxValues":{"l":9223372036854775807,"d":"NaN"},"nullCount":{"l":0,"d":0}}', schema, 'none');
    assert.equal(stats?.min(['l']), -9223372036854775808n);
    assert.equal(stats?.max(['l']), 9223372036854775807n);
    assert.equal(stats?.min(['d']), -Infinity);
    assert.ok(Number.isNaN(stats?.max(['d'])));
  });

  test('missing or unusable stats', () => {
    assert.equal(parseFileStats(undefined, allTypes, 'none'), undefined);
    assert.equal(parseFileStats('', allTypes, 'none'), undefined);
    assert.equal(parseFileStats('{"minValues":{}}', allTypes, 'none'), undefined);
    const wrongShape = parseFileStats('{"numRecords":5,"minValues":{"as_int":"x","as_date":"bad"}}', allTypes, 'none');
    assert.equal(wrongShape?.numRecords, 5);
    assert.equal(wrongShape?.min(['as_int']), undefined);
    assert.equal(wrongShape?.min(['as_date']), undefined);
    assert.throws(() => parseFileStats('{"numRecords":1,', allTypes, 'none'), (e: unknown) => isDeltaError(e, 'DELTA_CORRUPT_COMMIT'));
  });
});

describe('fileStatsFromParsed (checkpoint stats_parsed)', () => {
  const schema = schemaOf(
    field('l', 'long'), field('day', 'date'), field('ts', 'timestamp'), field('dec', 'decimal(20,2)'),
    field('s', struct(field('i', 'integer'))),
  );
  test('typed values as Arrow JS hands them out', () => {
    const stats = fileStatsFromParsed({
      numRecords: 10n,
      minValues: { l: 5n, day: Date.UTC(2024, 0, 31), ts: new Date('2024-01-31T10:00:00.123Z'), dec: new Uint32Array([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]), s: { i: 3 } },
      maxValues: { l: 7, day: new Date('2024-02-01T00:00:00Z'), ts: 1706695200123.456, dec: '12345678901234567.89', s: { i: 9 } },
      nullCount: { l: 0, day: 1n, s: { i: 2 } },
      tightBounds: true,
    }, schema, 'none');
    assert.ok(stats);
    assert.equal(stats.numRecords, 10);
    assert.equal(stats.tightBounds, true);
    assert.equal(stats.min(['l']), 5n);
    assert.equal(stats.max(['l']), 7n);
    assert.equal(stats.min(['day']), 19753);
    assert.equal(stats.max(['day']), 19754);
    assert.equal(stats.min(['ts']), 1706695200123000n);
    // Fractional milliseconds round outward for a max.
    assert.equal(stats.max(['ts']), 1706695200123456n);
    assert.deepEqual(stats.min(['dec']), { unscaled: -1n, scale: 2 });
    assert.deepEqual(stats.max(['dec']), { unscaled: 1234567890123456789n, scale: 2 });
    assert.equal(stats.max(['s', 'i']), 9);
    assert.equal(stats.nullCount(['day']), 1);
    assert.equal(stats.nullCount(['s', 'i']), 2);
  });
  test('a decimal given as a double with too many digits is dropped, not guessed', () => {
    const stats = fileStatsFromParsed({ numRecords: 1, minValues: { dec: Number('12345678901234567.89') }, maxValues: { dec: 1.5 } }, schema, 'none');
    assert.equal(stats?.min(['dec']), undefined);
    assert.deepEqual(stats?.max(['dec']), { unscaled: 150n, scale: 2 });
  });
  test('not an object', () => {
    assert.equal(fileStatsFromParsed(null, schema, 'none'), undefined);
  });
});
