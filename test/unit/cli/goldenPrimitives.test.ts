import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { formatRows } from '../../../src/cli/format/outputFormat';
import { parseSchemaString } from '../../../src/delta/schema';

const ARCHIVE = '/work/shared/conformance/golden/data-reader-primitives.tar.zst';

// A real Spark-written table read through parquet-wasm: the formatter must accept the Arrow types
// parquet-wasm produces for Delta primitives, not only the ones built in these tests.
test('golden data-reader-primitives formats as the contract says', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-golden-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('tar', ['--zstd', '-xf', ARCHIVE, '-C', dir]);
  const table = join(dir, 'data-reader-primitives', 'delta');
  const log = readFileSync(join(table, '_delta_log', '00000000000000000000.json'), 'utf8')
    .trim().split('\n').map((line) => JSON.parse(line) as Record<string, { schemaString?: string; path?: string }>);
  const schemaString = log.find((action) => action.metaData)?.metaData?.schemaString;
  assert.ok(schemaString);
  const schema = parseSchemaString(schemaString);
  const files = log.flatMap((action) => (action.add?.path ? [action.add.path] : []));
  assert.equal(files.length, 2);

  const lines = files.flatMap((file) => {
    const arrow = tableFromIPC(readParquet(readFileSync(join(table, file))).intoIPCStream());
    return formatRows(arrow, schema, 'ndjson');
  });
  const nulls = '{"as_int":null,"as_long":null,"as_byte":null,"as_short":null,"as_boolean":null,"as_float":null,'
    + '"as_double":null,"as_string":null,"as_binary":null,"as_big_decimal":null}';
  const row = (i: number): string => `{"as_int":${i},"as_long":${i},"as_byte":${i},"as_short":${i},`
    + `"as_boolean":${i % 2 === 0},"as_float":${i},"as_double":${i},"as_string":"${i}",`
    + `"as_binary":"${Buffer.from([i, i]).toString('base64')}","as_big_decimal":"${i}"}`;
  assert.deepEqual(lines, [nulls, ...Array.from({ length: 10 }, (_, i) => row(i))]);
  assert.equal(lines[3], '{"as_int":2,"as_long":2,"as_byte":2,"as_short":2,"as_boolean":true,"as_float":2,'
    + '"as_double":2,"as_string":"2","as_binary":"AgI=","as_big_decimal":"2"}');
});
