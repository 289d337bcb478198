import { describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { parseColumnTypeList } from '../../../src/connectors/columnTypeList';
import { deltaSchemaFromParquet } from '../../../src/connectors/parquet/parquetToDeltaSchema';
import { isDeltaError } from '../../../src/delta/errors';
import { formatDataType, primitive, type DataType, type StructType } from '../../../src/delta/schema';
import { inferPartitionType, normalizePartitionValue, parsePartitionedPath } from '../../../src/ops/convert/hivePartitions';
import { InListingOrder } from '../../../src/ops/convert/inListingOrder';
import { listingFingerprint } from '../../../src/ops/convert/convertProgress';
import { isHiddenPath } from '../../../src/ops/convert/listParquetFiles';
import { SchemaReconciler } from '../../../src/ops/convert/reconcileSchemas';

function struct(fields: Record<string, DataType>): StructType {
  return { kind: 'struct', fields: Object.entries(fields).map(([name, type]) => ({ name, type, nullable: true, metadata: {} })) };
}

function schemaOf(elements: SchemaElement[]): string {
  const metadata = { schema: elements } as FileMetaData;
  return formatDataType(deltaSchemaFromParquet(metadata, 'f.parquet'));
}

describe('Hive partition directories', () => {
  test('key=value segments are unescaped; __HIVE_DEFAULT_PARTITION__ and empty values are NULL', () => {
    assert.deepEqual(parsePartitionedPath('year=2024/region=us%2Fwest%3A1/part-0.parquet'), {
      columns: ['year', 'region'], values: { year: '2024', region: 'us/west:1' },
    });
    assert.deepEqual(parsePartitionedPath('k=__HIVE_DEFAULT_PARTITION__/x.parquet').values, { k: null });
    assert.deepEqual(parsePartitionedPath('k=/x.parquet').values, { k: null });
    assert.deepEqual(parsePartitionedPath('x.parquet'), { columns: [], values: {} });
    assert.throws(() => parsePartitionedPath('data/x.parquet'), /directory "data", which is not a key=value partition directory/);
  });

  test('types are inferred as integer, long, double, date, else string; nulls do not vote', () => {
    assert.deepEqual(inferPartitionType(['1', '-20', null]), primitive('integer'));
    assert.deepEqual(inferPartitionType(['1', '3000000000']), primitive('long'));
    assert.deepEqual(inferPartitionType(['1', '2.5']), primitive('double'));
    assert.deepEqual(inferPartitionType(['2024-01-31', null]), primitive('date'));
    assert.deepEqual(inferPartitionType(['2024-02-30']), primitive('string'));
    assert.deepEqual(inferPartitionType(['1', 'eu']), primitive('string'));
    assert.deepEqual(inferPartitionType([null]), primitive('string'));
  });

  test('declared types normalise the log form or explain the mismatch', () => {
    assert.deepEqual(normalizePartitionValue('007', primitive('integer')), { value: '7' });
    assert.deepEqual(normalizePartitionValue('TRUE', primitive('boolean')), { value: 'true' });
    assert.deepEqual(normalizePartitionValue('2024-01-01T10:00:00', primitive('timestamp')), { value: '2024-01-01 10:00:00' });
    assert.deepEqual(normalizePartitionValue('128', primitive('byte')), { error: '"128" is not within the range of byte' });
    assert.deepEqual(normalizePartitionValue('eu', primitive('long')), { error: '"eu" is not an integer (long)' });
  });

  test('hidden and bookkeeping paths are skipped, underscore partition directories are not', () => {
    assert.equal(isHiddenPath('_SUCCESS'), true);
    assert.equal(isHiddenPath('a=1/.part-0.parquet.crc'), true);
    assert.equal(isHiddenPath('_delta_log/00.json'), true);
    assert.equal(isHiddenPath('.spark-staging/x.parquet'), true);
    assert.equal(isHiddenPath('_col=1/x.parquet'), false);
    assert.equal(isHiddenPath('a=1/part-0.parquet'), false);
  });

  test('column type lists accept SQL spellings and decimals, and reject unknown types', () => {
    assert.deepEqual(parseColumnTypeList('year INT, `odd name` bigint, amount DECIMAL(10, 2)', 'x').map((c) => `${c.name}:${formatDataType(c.type)}`),
      ['year:integer', 'odd name:long', 'amount:decimal(10,2)']);
    assert.throws(() => parseColumnTypeList('a blob', 'partition schema'), /Invalid partition schema "a blob": unknown type "blob"/);
    assert.throws(() => parseColumnTypeList('a int, A long', 'x'), /column "A" appears twice/);
  });
});

describe('schema reconciliation', () => {
  test('compatible types widen; columns missing from some files are kept', () => {
    const reconciler = new SchemaReconciler();
    reconciler.add(struct({ a: primitive('integer'), f: primitive('float'), d: { kind: 'decimal', precision: 5, scale: 2 } }), 'one.parquet');
    reconciler.add(struct({ a: primitive('long'), f: primitive('double'), d: { kind: 'decimal', precision: 10, scale: 0 }, extra: primitive('string') }), 'two.parquet');
    assert.deepEqual(reconciler.conflicts, []);
    assert.equal(formatDataType(reconciler.schema as StructType), 'struct<a: long, f: double, d: decimal(12,2), extra: string>');
  });

  test('incompatible files are named with the column and both types', () => {
    const reconciler = new SchemaReconciler();
    reconciler.add(struct({ id: primitive('long'), s: struct({ x: primitive('date') }) }), 'a.parquet');
    assert.equal(reconciler.add(struct({ id: primitive('string') }), 'b.parquet'), false);
    assert.equal(reconciler.add(struct({ s: struct({ x: primitive('timestamp') }) }), 'c.parquet'), false);
    assert.equal(reconciler.add(struct({ ID: primitive('long') }), 'd.parquet'), false);
    assert.deepEqual(reconciler.conflicts, [
      { file: 'b.parquet', column: 'id', difference: 'string here, but long in a.parquet' },
      { file: 'c.parquet', column: 's.x', difference: 'timestamp here, but date in a.parquet' },
      { file: 'd.parquet', column: 'ID', difference: 'its name differs only in case from column "id" of a.parquet' },
    ]);
    assert.equal(formatDataType(reconciler.schema as StructType), 'struct<id: long, s: struct<x: date>>');
  });
});

describe('Parquet schema to Delta', () => {
  const root = (n: number): SchemaElement => ({ name: 'schema', num_children: n });

  test('logical and converted types', () => {
    assert.equal(schemaOf([
      root(9),
      { name: 'u8', type: 'INT32', converted_type: 'UINT_8', repetition_type: 'OPTIONAL' },
      { name: 'u32', type: 'INT32', logical_type: { type: 'INTEGER', bitWidth: 32, isSigned: false } },
      { name: 'u64', type: 'INT64', converted_type: 'UINT_64' },
      { name: 'legacy_ts', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' },
      { name: 'ntz', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' } },
      { name: 'i96', type: 'INT96' },
      { name: 'dec', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, converted_type: 'DECIMAL', precision: 38, scale: 9 },
      { name: 'raw', type: 'BYTE_ARRAY' },
      { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    ]), 'struct<u8: short, u32: long, u64: decimal(20,0), legacy_ts: timestamp, ntz: timestamp_ntz, i96: timestamp, dec: decimal(38,9), raw: binary, text: string>');
  });

  test('lists: standard 3-level, legacy 2-level forms, unannotated repeated fields; maps', () => {
    assert.equal(schemaOf([
      root(6),
      { name: 'std', converted_type: 'LIST', num_children: 1, repetition_type: 'OPTIONAL' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'INT32', repetition_type: 'OPTIONAL' },
      { name: 'two_level', converted_type: 'LIST', num_children: 1 },
      { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REPEATED' },
      { name: 'arr', converted_type: 'LIST', num_children: 1 },
      { name: 'array', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'x', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: 'pairs', converted_type: 'LIST', num_children: 1 },
      { name: 'pairs_tuple', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'y', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      { name: 'bare', type: 'INT32', repetition_type: 'REPEATED' },
      { name: 'm', converted_type: 'MAP', num_children: 1 },
      { name: 'key_value', converted_type: 'MAP_KEY_VALUE', repetition_type: 'REPEATED', num_children: 2 },
      { name: 'key', type: 'BYTE_ARRAY', logical_type: { type: 'STRING' }, repetition_type: 'REQUIRED' },
      { name: 'value', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
    ]), 'struct<std: array<integer>, two_level: array<string>, arr: array<struct<x: long>>, pairs: array<struct<y: double>>, bare: array<integer>, m: map<string, boolean>>');
  });

  test('types without a Delta equivalent are refused with the file and column', () => {
    assert.throws(() => schemaOf([root(1), { name: 't', type: 'INT32', converted_type: 'TIME_MILLIS' }]),
      (error: unknown) => isDeltaError(error, 'DELTA_INVALID_SCHEMA') && /f\.parquet: column t cannot be converted: TIME has no Delta type/.test(error.message));
  });
});

describe('footers finishing out of order', () => {
  test('values are emitted in index order, each once, as soon as every earlier one has arrived', () => {
    const emitted: string[] = [];
    const order = new InListingOrder((value: string) => emitted.push(value));
    order.put(2, 'c');
    order.put(1, 'b');
    assert.deepEqual(emitted, []);
    order.put(0, 'a');
    assert.deepEqual(emitted, ['a', 'b', 'c']);
    order.put(4, 'e');
    order.put(3, 'd');
    order.put(5, 'f');
    assert.deepEqual(emitted, ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.equal(order.emitted, 6);
  });
});

describe('listing fingerprint', () => {
  test('hashed in batches, it is the hash of every file line joined, as saved progress from earlier runs has it', () => {
    const listing = Array.from({ length: 2500 }, (_, i) => ({ path: `k=${i % 7}/part-${i}.parquet`, size: 1000 + i, modifiedMs: 1_700_000_000_000 + i }));
    const joined = listing.map((f) => `${f.path}\t${f.size}\t${f.modifiedMs}\n`).join('');
    assert.equal(listingFingerprint(listing), createHash('sha256').update(joined).digest('hex'));
    assert.notEqual(listingFingerprint(listing.slice(1)), listingFingerprint(listing));
  });
});
