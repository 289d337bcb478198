import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Bool, DateDay, Float64, Int32, Int64, LargeUtf8, makeVector, RecordBatch, Table, TimestampMillisecond, Utf8, vectorFromArray, type Data,
} from 'apache-arrow';
import { plainReader } from '../../../src/delta/arrowRows';
import { columnCells } from '../../../src/delta/predicate/readCell';
import { conformData } from '../../../src/delta/scan/conformData';
import type { DataType } from '../../../src/delta/schema';
import { keyReader } from '../../../src/ops/ingest/rowKeys';

/*
 * apache-arrow's RecordBatch.slice narrows fixed-width values, dictionary keys and value offsets
 * (read at `row`) but not validity bitmaps nor booleans' bits (read at `offset + row`). Every
 * column reader must read a sliced batch's rows as the same rows of the whole batch: reading
 * values at `offset + row` gave the rows `offset` further on (and undefined past the end).
 */
const ROWS = 10;
const FROM = 3;
const LENGTH = 5;
const pick = <T>(i: number, value: T): T | null => (i % 4 === 1 ? null : value);

const whole = new Table({
  long: vectorFromArray(Array.from({ length: ROWS }, (_, i) => pick(i, BigInt(i * 1000))), new Int64()),
  int: vectorFromArray(Array.from({ length: ROWS }, (_, i) => pick(i, i * 7)), new Int32()),
  double: vectorFromArray(Array.from({ length: ROWS }, (_, i) => pick(i, i + 0.5)), new Float64()),
  text: vectorFromArray(Array.from({ length: ROWS }, (_, i) => pick(i, `row ${i}`)), new Utf8()),
  large: vectorFromArray(Array.from({ length: ROWS }, (_, i) => pick(i, `large ${i}`)), new LargeUtf8()),
  day: vectorFromArray(Array.from({ length: ROWS }, (_, i) => pick(i, new Date(Date.UTC(2024, 0, 1 + i)))), new DateDay()),
  millis: vectorFromArray(Array.from({ length: ROWS }, (_, i) => pick(i, Date.UTC(2024, 0, 1, 0, 0, i))), new TimestampMillisecond()),
  flag: vectorFromArray(Array.from({ length: ROWS }, (_, i) => pick(i, i % 3 === 0)), new Bool()),
}).batches[0];
assert.ok(whole);
const sliced = whole.slice(FROM, FROM + LENGTH);
const column = (name: string, batch: RecordBatch = whole): Data => batch.data.children[batch.schema.fields.findIndex((f) => f.name === name)] as Data;

const TYPES: Record<string, DataType> = {
  long: { kind: 'primitive', name: 'long' },
  int: { kind: 'primitive', name: 'integer' },
  double: { kind: 'primitive', name: 'double' },
  text: { kind: 'primitive', name: 'string' },
  large: { kind: 'primitive', name: 'string' },
  day: { kind: 'primitive', name: 'date' },
  millis: { kind: 'primitive', name: 'timestamp' },
  flag: { kind: 'primitive', name: 'boolean' },
};

test('the slice really is offset (the case the readers must handle)', () => {
  assert.equal(column('long', sliced).offset, FROM);
});

test('expression cells (columnCells) of a sliced batch are the same rows of the whole batch', () => {
  for (const [name, type] of Object.entries(TYPES)) {
    const all = columnCells(whole, [name], type);
    const part = columnCells(sliced, [name], type);
    for (let row = 0; row < LENGTH; row++) assert.deepEqual(part(row), all(FROM + row), `${name} row ${row}`);
  }
});

test('plain readers (checkpoint rows) of a sliced column read the same rows', () => {
  // Checkpoints have no 64-bit-offset strings: plainReader has no reader for them.
  for (const name of Object.keys(TYPES).filter((n) => n !== 'large')) {
    const all = plainReader(column(name));
    const part = plainReader(column(name, sliced));
    for (let row = 0; row < LENGTH; row++) assert.deepEqual(part(row), all(FROM + row), `${name} row ${row}`);
  }
});

test('conformData converts a sliced column\'s own rows (int to decimal, millis to micros, large to regular strings)', () => {
  const cases: Array<[string, DataType]> = [
    ['int', { kind: 'decimal', precision: 12, scale: 2 }],
    ['millis', { kind: 'primitive', name: 'timestamp' }],
    ['large', { kind: 'primitive', name: 'string' }],
  ];
  for (const [name, target] of cases) {
    const all = conformData(column(name), target, 'none', name);
    const part = conformData(column(name, sliced), target, 'none', name);
    const read = (data: Data, row: number): unknown => columnCells(new Table({ c: makeVector(data) }).batches[0] as RecordBatch, ['c'], target)(row);
    for (let row = 0; row < LENGTH; row++) assert.deepEqual(read(part, row), read(all, FROM + row), `${name} row ${row}`);
  }
});

test('ingest row keys of a sliced batch are the same rows\' keys', () => {
  for (const name of ['long', 'int']) {
    const field = { name, type: TYPES[name] as DataType, nullable: true, metadata: {} };
    const all = keyReader([column(name)], [field]);
    const part = keyReader([column(name, sliced)], [field]);
    for (let row = 0; row < LENGTH; row++) assert.deepEqual(part(row), all(FROM + row), `${name} row ${row}`);
  }
});
