import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import type { BadRow } from '../../../src/connectors/badRows';
import { parseColumnTypeList } from '../../../src/connectors/columnTypeList';
import { openCsvFile, type CsvReadOptions } from '../../../src/connectors/csv/csvReader';
import { isDeltaError } from '../../../src/delta/errors';
import { formatDataType } from '../../../src/delta/schema';

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'lakehouse-csv-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function read(path: string, options: CsvReadOptions = {}): Promise<{ types: string[]; rows: unknown[][]; bad: BadRow[]; batches: number }> {
  const bad: BadRow[] = [];
  const source = await openCsvFile(path, { onBadRow: (b) => { bad.push(b); }, ...options });
  const rows: unknown[][] = [];
  let batches = 0;
  for await (const batch of source.batches as AsyncIterable<RecordBatch>) {
    batches++;
    for (const row of batch.toArray()) rows.push(source.schema.fields.map((f) => row[f.name]));
  }
  assert.equal(source.counts.rows, rows.length);
  assert.equal(source.counts.badRows, bad.length);
  return { types: source.schema.fields.map((f) => `${f.name} ${formatDataType(f.type)}`), rows, bad, batches };
}

describe('CSV reader', () => {
  test('infers long, double, boolean, date, timestamp and string; empty unquoted fields are NULL, quoted ones empty strings', async () => {
    const path = file('types.csv', 'i,d,b,day,at,s\n1,1.5,true,2024-02-29,2024-01-01T10:00:00Z,x\n-9007199254740993,2,false,,2024-01-01 10:00:00.000001,""\n,,,1970-01-01,,\n');
    const { types, rows } = await read(path);
    assert.deepEqual(types, ['i long', 'd double', 'b boolean', 'day date', 'at timestamp', 's string']);
    assert.deepEqual(rows[0], [1n, 1.5, true, Date.UTC(2024, 1, 29), Date.UTC(2024, 0, 1, 10), 'x']);
    // Longs beyond 2^53 keep every digit; microseconds survive.
    assert.equal(rows[1]?.[0], -9007199254740993n);
    assert.equal(rows[1]?.[5], '');
    assert.deepEqual(rows[2], [null, null, null, 0, null, null]);
  });

  test('--schema overrides some columns; null tokens; custom date and timestamp formats', async () => {
    const path = file('formats.csv', 'id;price;day;at;note\n7;12.30;31/12/2023;2023-12-31 23:59:59.5+01:00;NA\n8;N/A;01/01/2024;2024-01-01 00:00:00.0Z;"NA"\n');
    const { types, rows } = await read(path, {
      delimiter: ';', nullValues: ['NA', 'N/A'], dateFormat: 'dd/MM/yyyy', timestampFormat: 'yyyy-MM-dd HH:mm:ss.SXXX',
      schema: parseColumnTypeList('price decimal(10,2), id int', 'schema'),
    });
    assert.deepEqual(types, ['id integer', 'price decimal(10,2)', 'day date', 'at timestamp', 'note string']);
    assert.equal(rows[0]?.[0], 7);
    assert.equal(rows[0]?.[2], Date.UTC(2023, 11, 31));
    assert.equal(rows[0]?.[3], Date.UTC(2023, 11, 31, 22, 59, 59, 500));
    assert.equal(rows[0]?.[4], null, 'unquoted NA is a null token');
    assert.equal(rows[1]?.[1], null);
    assert.equal(rows[1]?.[4], 'NA', 'a quoted "NA" is text');
  });

  test('BOM, CRLF and quoted newlines; row and line numbers of bad rows count physical lines', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('id,text\r\n1,"two\r\nlines"\r\n2,ok,extra\r\nx,y\r\n')]);
    const { types, rows, bad } = await read(file('bom.csv', bytes), { schema: parseColumnTypeList('id long', 'schema') });
    assert.deepEqual(types, ['id long', 'text string']);
    assert.deepEqual(rows, [[1n, 'two\r\nlines']]);
    assert.deepEqual(bad.map((b) => [b.row, b.line, b.reason]), [
      [2, 4, 'it has 3 field(s), but the header has 2'],
      [3, 5, 'column id: "x" is not a valid long'],
    ]);
    assert.deepEqual(bad[0]?.source, ['2', 'ok', 'extra']);
  });

  test('without a handler the first bad row fails the read with its row number and reason', async () => {
    const path = file('wrong.csv', 'id,n\n1,2\n2,3\n3,three\n4,5\n');
    const source = await openCsvFile(path, { schema: parseColumnTypeList('n long', 'schema') });
    await assert.rejects(async () => { for await (const batch of source.batches) assert.ok(batch.numRows >= 0); }, (error: unknown) => {
      assert.ok(isDeltaError(error, 'SOURCE_BAD_ROW'));
      assert.match(error.message, /wrong\.csv: row 3 \(line 4\): column n: "three" is not a valid long/);
      return true;
    });
  });

  test('an empty file and a header-only file have no rows', async () => {
    const empty = await read(file('empty.csv', ''));
    assert.deepEqual([empty.types, empty.rows, empty.batches], [[], [], 0]);
    const header = await read(file('header.csv', 'a,b\n'));
    assert.deepEqual([header.types, header.rows], [['a string', 'b string'], []]);
  });

  test('a huge field (8 MB) and batches bounded by row count', async () => {
    const huge = 'é'.repeat(4_000_000);
    const lines = ['id,body', `0,"${huge}"`, ...Array.from({ length: 2500 }, (_, i) => `${i + 1},r${i + 1}`)];
    const { rows, batches } = await read(file('huge.csv', `${lines.join('\n')}\n`), { batchRows: 1000 });
    assert.equal(rows.length, 2501);
    assert.equal((rows[0]?.[1] as string).length, huge.length);
    assert.equal(rows[0]?.[1], huge);
    assert.equal(batches, 3);
    assert.deepEqual(rows[2500], [2500n, 'r2500']);
  });

  test('bad-row accounting is exact over a mix of ragged, malformed and mistyped rows', async () => {
    const body = Array.from({ length: 1000 }, (_, i) => {
      if (i % 10 === 3) return `${i},x,1`;
      if (i % 10 === 5) return `${i},"open"x`;
      if (i % 10 === 7) return `${i}`;
      return `${i},${i * 2}`;
    });
    const { rows, bad } = await read(file('mixed.csv', `id,n\n${body.join('\n')}\n`), { schema: parseColumnTypeList('n long', 'schema') });
    assert.equal(rows.length + bad.length, 1000);
    assert.equal(bad.length, 300);
    assert.deepEqual(bad.slice(0, 3).map((b) => b.row), [4, 6, 8]);
    assert.ok(rows.every((r) => r[1] === BigInt(Number(r[0]) * 2)));
  });

  test('no header: columns are _c0.. or the --schema names', async () => {
    const plain = await read(file('noheader.csv', '1,a\n2,b\n'), { header: false });
    assert.deepEqual(plain.types, ['_c0 long', '_c1 string']);
    const named = await read(file('noheader2.csv', '1,a\n2,b\n'), { header: false, schema: parseColumnTypeList('id int, name string', 'schema') });
    assert.deepEqual(named.types, ['id integer', 'name string']);
    assert.deepEqual(named.rows, [[1, 'a'], [2, 'b']]);
  });
});
