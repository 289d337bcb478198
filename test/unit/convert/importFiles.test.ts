import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { importFiles } from '../../../src/ops/importFile/importFiles';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { withTempDir } from '../../helpers/withTempDir';

async function rows(table: string): Promise<Array<Record<string, unknown>>> {
  const snapshot = await (await DeltaTable.open(table)).snapshot();
  const out: Array<Record<string, unknown>> = [];
  for await (const batch of snapshot.scan().batches()) {
    for (const row of batch.toArray()) out.push(JSON.parse(JSON.stringify(row.toJSON(), (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as Record<string, unknown>);
  }
  return out.sort((a, b) => Number(a.id) - Number(b.id));
}

async function dataFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => e.endsWith('.parquet'));
}

describe('importFiles', () => {
  test('CSV into a new partitioned table; bad rows written aside and counted exactly', () => withTempDir('lakehouse-import-', async (dir) => {
    const csv = join(dir, 'orders.csv');
    await writeFile(csv, 'id,region,amount,note\n1,eu,1.50,"a, b"\n2,us,oops,x\n3,eu,2,"multi\nline"\n4,us\n5,us,7.25,\n');
    const table = join(dir, 'orders');
    const badFile = join(dir, 'bad.ndjson');
    const result = await importFiles(csv, table, { schema: 'amount decimal(6,2)', partitionBy: ['region'], badRowsPath: badFile });
    assert.deepEqual([result.version, result.rowsImported, result.badRows], [0, 3, 2]);
    const bad = readFileSync(badFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { row: number; line: number; reason: string });
    assert.deepEqual(bad.map((b) => [b.row, b.line]), [[2, 3], [4, 6]]);
    assert.match(bad[0]?.reason ?? '', /column amount: "oops" is not a valid decimal\(6,2\)/);
    const read = await rows(table);
    assert.deepEqual(read.map((r) => [r.id, r.region, r.note]), [[1, 'eu', 'a, b'], [3, 'eu', 'multi\nline'], [5, 'us', null]]);
    const snapshot = await (await DeltaTable.open(table)).snapshot();
    assert.deepEqual(snapshot.partitionColumns, ['region']);
    assert.deepEqual(snapshot.files().map((f) => f.partitionValues.region).sort(), ['eu', 'us']);
  }));

  test('a bad row without --bad-rows fails the import and leaves no table and no data file behind', () => withTempDir('lakehouse-import-', async (dir) => {
    const csv = join(dir, 'x.csv');
    await writeFile(csv, `id,n\n${Array.from({ length: 50 }, (_, i) => `${i},${i === 41 ? 'x' : i}`).join('\n')}\n`);
    const table = join(dir, 't');
    await assert.rejects(importFiles(csv, table, { schema: 'n long' }), (error: unknown) => isDeltaError(error, 'SOURCE_BAD_ROW') && /row 42 \(line 43\)/.test(error.message));
    assert.equal(existsSync(join(table, '_delta_log', '00000000000000000000.json')), false);
    assert.deepEqual(await dataFiles(table), []);
  }));

  test('append then overwrite; an empty file changes nothing', () => withTempDir('lakehouse-import-', async (dir) => {
    const table = join(dir, 't');
    await writeFile(join(dir, 'a.csv'), 'id,v\n1,a\n2,b\n');
    await writeFile(join(dir, 'b.csv'), 'id,v\n3,c\n');
    await writeFile(join(dir, 'empty.csv'), '');
    await importFiles(join(dir, 'a.csv'), table);
    assert.equal((await importFiles(join(dir, 'b.csv'), table, { mode: 'append' })).version, 1);
    assert.deepEqual((await rows(table)).map((r) => r.id), [1, 2, 3]);
    assert.equal((await importFiles(join(dir, 'b.csv'), table, { mode: 'overwrite' })).version, 2);
    assert.deepEqual(await rows(table), [{ id: 3, v: 'c' }]);
    const empty = await importFiles(join(dir, 'empty.csv'), table);
    assert.deepEqual([empty.version, empty.rowsImported], [undefined, 0]);
    assert.deepEqual((await readdir(join(table, '_delta_log'))).filter((f) => f.endsWith('.json')).length, 3);
  }));

  test('a folder of NDJSON files takes its schema from the first; nested values survive', () => withTempDir('lakehouse-import-', async (dir) => {
    const source = join(dir, 'events');
    await mkdir(source);
    await writeFile(join(source, '1.ndjson'), '{"id": 1, "user": {"name": "a"}, "tags": ["x"]}\n');
    await writeFile(join(source, '2.ndjson'), '{"id": 2, "user": {"name": "b"}, "tags": []}\n{"id": "bad"}\n');
    const badFile = join(dir, 'bad.ndjson');
    const result = await importFiles(source, join(dir, 't'), { badRowsPath: badFile });
    assert.deepEqual([result.rowsImported, result.badRows, result.sourceFiles.length], [2, 1, 2]);
    const bad = JSON.parse(readFileSync(badFile, 'utf8')) as { file: string; row: number; source: string };
    assert.deepEqual([bad.file.endsWith('2.ndjson'), bad.row, bad.source], [true, 2, '{"id": "bad"}']);
    assert.deepEqual(await rows(join(dir, 't')), [{ id: 1, user: { name: 'a' }, tags: ['x'] }, { id: 2, user: { name: 'b' }, tags: [] }]);
  }));

  test('Parquet in copy mode', () => withTempDir('lakehouse-import-', async (dir) => {
    const file = join(dir, 'p.parquet');
    await writeFile(file, encodeParquet(tableFromArrays({ id: Int32Array.from([1, 2, 3]), s: ['a', null, 'c'] }).batches, { rowGroupSize: 2 }));
    const result = await importFiles(file, join(dir, 't'));
    assert.equal(result.rowsImported, 3);
    assert.deepEqual(await rows(join(dir, 't')), [{ id: 1, s: 'a' }, { id: 2, s: null }, { id: 3, s: 'c' }]);
  }));
});
