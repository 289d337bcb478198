import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Table } from 'apache-arrow';
import { quoteCsvField } from '../../../src/format/csvFormatter';
import { defaultOutputFormat, formatRows, isOutputFormat } from '../../../src/cli/format/outputFormat';
import { RowWriter } from '../../../src/cli/format/rowWriter';
import { batchOf, built, decimals, deltaType, schemaOf, timestamps } from './arrowFixtures';

const schema = schemaOf({
  id: 'long',
  name: 'string',
  price: 'decimal(10,2)',
  at: 'timestamp',
  tags: { type: 'array', elementType: 'string', containsNull: true },
});

function sampleBatch() {
  return batchOf(schema, [
    built(deltaType('long'), [1n, -9223372036854775808n, 3n]),
    built(deltaType('string'), ['plain', 'comma, "quoted"\nline', '']),
    decimals(deltaType('decimal(10,2)'), [1230n, -5n, null]),
    timestamps(deltaType('timestamp'), [-1n, null, 1700000000123456n]),
    built(schema.fields[4].type, [['a', null], null, []]),
  ]);
}

test('csv: header, RFC 4180 quoting, null empty, empty string quoted, nested as JSON', () => {
  assert.deepEqual(formatRows(sampleBatch(), schema, 'csv'), [
    'id,name,price,at,tags',
    '1,plain,12.30,1969-12-31T23:59:59.999999Z,"[""a"",null]"',
    '-9223372036854775808,"comma, ""quoted""\nline",-0.05,,',
    '3,"",,2023-11-14T22:13:20.123456Z,[]',
  ]);
});

test('csv quoting rule', () => {
  assert.equal(quoteCsvField('abc'), 'abc');
  assert.equal(quoteCsvField(''), '""');
  assert.equal(quoteCsvField('a\rb'), '"a\rb"');
  assert.equal(quoteCsvField('say "hi"'), '"say ""hi"""');
  assert.equal(quoteCsvField(' padded '), ' padded ');
});

test('table: aligned columns, numbers right-aligned, NULL, escaped newlines, footer', () => {
  assert.deepEqual(formatRows(sampleBatch(), schema, 'table'), [
    '                  id  name                   price  at                           tags',
    '--------------------  ---------------------  -----  ---------------------------  ----------',
    '                   1  plain                  12.30  1969-12-31T23:59:59.999999Z  ["a",null]',
    '-9223372036854775808  comma, "quoted"\\nline  -0.05  NULL                         NULL',
    '                   3                          NULL  2023-11-14T22:13:20.123456Z  []',
    '3 rows',
  ]);
});

test('table: wide cells are cut with an ellipsis; an empty result still has a header', () => {
  const narrow = schemaOf({ s: 'string' });
  const batch = batchOf(narrow, [built(deltaType('string'), ['x'.repeat(30), 'short'])]);
  assert.deepEqual(formatRows(batch, narrow, 'table', { maxCellWidth: 10 }), [
    's', '----------', 'xxxxxxxxx…', 'short', '2 rows',
  ]);
  assert.deepEqual(formatRows(batch.slice(0, 1), narrow, 'table', { maxCellWidth: 10 }).at(-1), '1 row');
  assert.deepEqual(formatRows(batch.slice(0, 0), narrow, 'table'), ['s', '-', '0 rows']);
});

test('table: rows after the sample are cut to the sampled widths', () => {
  const narrow = schemaOf({ s: 'string' });
  const first = batchOf(narrow, [built(deltaType('string'), ['abcd', 'ab'])]);
  const later = batchOf(narrow, [built(deltaType('string'), ['abcdefgh'])]);
  const table = new Table([first, later]);
  assert.deepEqual(formatRows(table, narrow, 'table', { sampleRows: 2 }), ['s', '----', 'abcd', 'ab', 'abc…', '3 rows']);
});

test('RowWriter streams header, every batch and the footer to a Writable', async () => {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const writer = new RowWriter(out, schema, 'csv');
  await writer.write(sampleBatch().slice(0, 1));
  await writer.write(sampleBatch().slice(2, 3));
  await writer.end();
  assert.deepEqual(chunks, [
    'id,name,price,at,tags\n1,plain,12.30,1969-12-31T23:59:59.999999Z,"[""a"",null]"\n',
    '3,"",,2023-11-14T22:13:20.123456Z,[]\n',
  ]);

  const empty = new PassThrough();
  const text: string[] = [];
  empty.on('data', (chunk: Buffer) => text.push(chunk.toString('utf8')));
  const tableWriter = new RowWriter(empty, schemaOf({ a: 'integer' }), 'table');
  await tableWriter.end();
  assert.deepEqual(text, ['a\n-\n0 rows\n']);
});

test('RowWriter waits for drain when the stream is full', async () => {
  const out = new PassThrough({ highWaterMark: 8 });
  const writer = new RowWriter(out, schema, 'ndjson');
  let written = false;
  const pending = writer.write(sampleBatch()).then(() => { written = true; });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(written, false, 'write must not resolve before the reader drains the stream');
  const text = await new Promise<string>((resolve) => {
    let all = '';
    out.on('data', (chunk: Buffer) => { all += chunk.toString('utf8'); });
    void pending.then(() => resolve(all));
  });
  assert.equal(written, true);
  assert.equal(text.split('\n').length, 4);
});

test('output format names and the default by terminal', () => {
  assert.equal(isOutputFormat('csv'), true);
  assert.equal(isOutputFormat('json'), false);
  assert.equal(defaultOutputFormat(true), 'table');
  assert.equal(defaultOutputFormat(false), 'ndjson');
});
