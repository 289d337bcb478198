import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BadRow } from '../../../src/connectors/badRows';
import { parseColumnTypeList } from '../../../src/connectors/columnTypeList';
import { parseExactJson, JsonNumberText } from '../../../src/connectors/ndjson/exactJson';
import { openNdjsonFile, type NdjsonReadOptions } from '../../../src/connectors/ndjson/ndjsonReader';
import { isDeltaError } from '../../../src/delta/errors';
import { formatDataType } from '../../../src/delta/schema';

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'lakehouse-ndjson-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

async function read(content: string, options: NdjsonReadOptions = {}): Promise<{ schema: string; rows: unknown[]; bad: BadRow[] }> {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(path, content);
  const bad: BadRow[] = [];
  const source = await openNdjsonFile(path, { onBadRow: (b) => { bad.push(b); }, ...options });
  const rows: unknown[] = [];
  for await (const batch of source.batches) {
    for (const row of batch.toArray()) rows.push(JSON.parse(JSON.stringify(row.toJSON(), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))));
  }
  assert.equal(source.counts.rows, rows.length);
  assert.equal(source.counts.badRows, bad.length);
  return { schema: formatDataType(source.schema), rows, bad };
}

describe('NDJSON reader', () => {
  test('numbers keep their digits: no double in between', () => {
    const value = parseExactJson('{"a": 12345678901234567890, "b": [1.10, -2e3], "s": "7 \\" 8"}') as Record<string, unknown>;
    assert.deepEqual(value.a, new JsonNumberText('12345678901234567890'));
    assert.deepEqual(value.b, [new JsonNumberText('1.10'), new JsonNumberText('-2e3')]);
    assert.equal(value.s, '7 " 8');
  });

  test('nested objects become structs and arrays arrays; fields seen late are kept; mixed kinds become text', async () => {
    const { schema, rows } = await read([
      '{"id": 1, "user": {"name": "a", "tags": ["x"]}, "v": 1}',
      '{"id": 2, "user": {"name": null, "geo": {"lat": 1.5}}, "v": "one"}',
      '{"id": 9223372036854775807, "late": true, "v": {"k": 1}}',
    ].join('\n'));
    assert.equal(schema, 'struct<id: long, user: struct<name: string, tags: array<string>, geo: struct<lat: double>>, v: string, late: boolean>');
    assert.deepEqual(rows[0], { id: '1n', user: { name: 'a', tags: ['x'], geo: null }, v: '1', late: null });
    assert.deepEqual(rows[1], { id: '2n', user: { name: null, tags: null, geo: { lat: 1.5 } }, v: 'one', late: null });
    assert.deepEqual(rows[2], { id: '9223372036854775807n', user: null, v: '{"k":1}', late: true });
  });

  test('a field first seen as null or as an empty array takes the type of later values', async () => {
    const { schema, rows } = await read('{"a": null, "l": []}\n{"a": {"b": 1}, "l": [[2]]}\n{"z": null}\n');
    assert.equal(schema, 'struct<a: struct<b: long>, l: array<array<long>>, z: string>');
    assert.deepEqual(rows[1], { a: { b: '1n' }, l: [['2n']], z: null });
  });

  test('declared types: decimals exact, timestamps parsed, wrong types are bad rows with their line', async () => {
    const { schema, rows, bad } = await read('\ufeff{"id": 1, "price": 0.10, "at": "2024-01-01T00:00:00.000001Z"}\r\n\r\n{"id": "two", "price": 1}\r\n{"id": 3, "price": 1.234}\r\nnot json\r\n[1]\r\n{"id": 4}\r\n', {
      schema: parseColumnTypeList('id long, price decimal(5,2), at timestamp', 'schema'),
    });
    assert.equal(schema, 'struct<id: long, price: decimal(5,2), at: timestamp>');
    assert.equal(rows.length, 2);
    assert.deepEqual(bad.map((b) => [b.row, b.line, b.reason]), [
      [2, 3, 'id: "two" is not a long'],
      [3, 4, 'price: 1.234 is not a decimal(5,2)'],
      [4, 5, 'it is not valid JSON'],
      [5, 6, 'it is not a JSON object'],
    ]);
    assert.equal(bad[2]?.source, 'not json');
  });

  test('without a handler the first bad line fails with its row and line', async () => {
    const path = join(dir, 'fail.ndjson');
    writeFileSync(path, '{"n": 1}\n{"n": 2}\n{"n": "x"}\n');
    const source = await openNdjsonFile(path, { schema: parseColumnTypeList('n long', 'schema') });
    await assert.rejects(async () => { for await (const batch of source.batches) assert.ok(batch.numRows > 0); }, (error: unknown) => {
      assert.ok(isDeltaError(error, 'SOURCE_BAD_ROW'));
      assert.match(error.message, /fail\.ndjson: row 3 \(line 3\): n: "x" is not a long/);
      return true;
    });
  });

  test('an empty file has no rows and no columns; a line of 5 MB is read whole', async () => {
    const empty = await read('');
    assert.deepEqual([empty.schema, empty.rows], ['struct<>', []]);
    const text = 'z'.repeat(5_000_000);
    const big = await read(`{"t": "${text}"}\n{"t": "small"}`);
    assert.equal((big.rows[0] as { t: string }).t, text);
    assert.equal(big.rows.length, 2);
  });
});
