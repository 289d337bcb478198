import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Int64, makeData, makeVector, Table, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { useTempDir } from '../../helpers/withTempDir';
import { runCliCaptured, runCliJson } from '../../helpers/runCliCaptured';

interface Summary { version: number; rowsAdded: number; rowsRemoved: number; filesAdded: number; filesRemoved: number }
interface Row { id: number; name: string | null; ts: string | null }

async function rows(table: string, version?: number): Promise<Row[]> {
  const { code, stdout, stderr } = await runCliCaptured(['scan', table, '--format', 'ndjson', ...(version === undefined ? [] : ['--version', String(version)])]);
  assert.equal(code, 0, stderr);
  return stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row).sort((a, b) => a.id - b.id);
}

async function latestVersion(table: string): Promise<number> {
  return (await runCliJson<{ version: number }[]>(['history', table, '--limit', '1']))[0]?.version ?? -1;
}

describe('lakehouse write commands on real files', () => {
  const tmp = useTempDir('lakehouse-cli-write-');
  let table = '';
  before(() => {
    table = join(tmp.dir, 'people');
  });

  test('create -> write csv/ndjson/parquet -> delete -> update -> merge; history shows each operation', async () => {
    const created = await runCliJson<{ version: number; columns: string[] }>(['create', table, '--schema', 'id long not null, name string, ts timestamp', '--property', 'delta.checkpointInterval=50']);
    assert.deepEqual(created, { version: 0, table, columns: ['id', 'name', 'ts'], partitionBy: [], properties: { 'delta.checkpointInterval': '50' } });
    const schema = await runCliJson<{ fields: { name: string; type: string; nullable: boolean }[] }>(['schema', table]);
    assert.deepEqual(JSON.stringify(schema).includes('"nullable":false'), true, 'id is NOT NULL');

    const csv = tmp.file('a.csv', 'id,name,ts\n1,ann,2024-05-01T10:00:00Z\n2,bob,2024-05-01T11:00:00Z\n3,cy,\n');
    const wroteCsv = await runCliJson<Summary>(['write', table, '--from', csv]);
    assert.deepEqual([wroteCsv.version, wroteCsv.rowsAdded, wroteCsv.filesAdded], [1, 3, 1]);

    const ndjson = tmp.file('b.ndjson', '{"id":4,"name":"dee","ts":"2024-05-02T00:00:00Z"}\n{"id":5,"name":null}\n');
    const wroteNdjson = await runCliJson<Summary>(['write', table, '--from', ndjson, '--mode', 'append']);
    assert.deepEqual([wroteNdjson.version, wroteNdjson.rowsAdded], [2, 2]);

    const parquet = join(tmp.dir, 'c.parquet');
    const ts = makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: 1, nullCount: 0, data: BigInt64Array.of(1_714_600_000_000_000n) }));
    const parquetTable = new Table({ id: vectorFromArray([6n], new Int64()), name: vectorFromArray(['eve'], new Utf8()), ts });
    writeFileSync(parquet, encodeParquet(parquetTable.batches));
    const wroteParquet = await runCliJson<Summary>(['write', table, '--from', parquet]);
    assert.deepEqual([wroteParquet.version, wroteParquet.rowsAdded], [3, 1]);
    assert.deepEqual((await rows(table)).map((r) => [r.id, r.name]), [[1, 'ann'], [2, 'bob'], [3, 'cy'], [4, 'dee'], [5, null], [6, 'eve']]);

    const deleted = await runCliJson<Summary>(['delete', table, '--where', 'id = 2']);
    assert.deepEqual([deleted.version, deleted.rowsRemoved], [4, 1]);

    const updated = await runCliJson<Summary & { rowsUpdated: number }>(['update', table, '--set', "name='ann, the first',ts=NULL", '--where', 'id = 1']);
    assert.deepEqual([updated.version, updated.rowsUpdated], [5, 1]);

    const source = tmp.file('src.ndjson', '{"id":3,"name":"cy","op":"D"}\n{"id":4,"name":"dora","op":"U"}\n{"id":10,"name":"new","op":"I"}\n');
    const merged = await runCliJson<Summary & { rowsInserted: number; rowsUpdated: number; rowsDeleted: number }>(
      ['merge', table, '--source', source, '--key', 'id', '--delete-when', "op = 'D'"]);
    assert.deepEqual([merged.version, merged.rowsInserted, merged.rowsUpdated, merged.rowsDeleted], [6, 1, 1, 1]);

    const final = await rows(table);
    assert.deepEqual(final.map((r) => [r.id, r.name]), [[1, 'ann, the first'], [4, 'dora'], [5, null], [6, 'eve'], [10, 'new']]);
    assert.equal(final[0]?.ts, null);
    assert.deepEqual(Object.keys(final[0] ?? {}), ['id', 'name', 'ts']);
    const history = await runCliJson<{ version: number; operation: string }[]>(['history', table]);
    assert.deepEqual(history.map((h) => [h.version, h.operation]), [
      [6, 'MERGE'], [5, 'UPDATE'], [4, 'DELETE'], [3, 'WRITE'], [2, 'WRITE'], [1, 'WRITE'], [0, 'CREATE TABLE'],
    ]);
  });

  test('schema mismatch and constraint violations: error[CODE], exit 2, the table unchanged', async () => {
    const before = await latestVersion(table);
    const rowsBefore = await rows(table);
    const extra = tmp.file('extra.csv', 'id,name,ts,color\n20,x,,red\n');
    const mismatch = await runCliCaptured(['write', table, '--from', extra]);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /^error\[DELTA_SCHEMA_MISMATCH\]: .*extra column color/s);

    const nullId = tmp.file('nullid.csv', 'id,name,ts\n,nobody,\n');
    const notNull = await runCliCaptured(['write', table, '--from', nullId]);
    assert.equal(notNull.code, 2);
    assert.match(notNull.stderr, /^error\[DELTA_CONSTRAINT_VIOLATION\]: /);

    const added = await runCliJson<{ version: number }>(['constraint', 'add', table, 'positive_id', 'id > 0']);
    assert.equal(added.version, before + 1);
    const negative = tmp.file('neg.ndjson', '{"id":-1,"name":"neg"}\n{"id":30,"name":"ok"}\n');
    const check = await runCliCaptured(['write', table, '--from', negative]);
    assert.equal(check.code, 2);
    assert.match(check.stderr, /^error\[DELTA_CONSTRAINT_VIOLATION\]: .*positive_id/s);
    const badUpdate = await runCliCaptured(['update', table, '--set', 'id=0', '--where', 'id = 1']);
    assert.equal(badUpdate.code, 2);
    assert.match(badUpdate.stderr, /^error\[DELTA_CONSTRAINT_VIOLATION\]/);
    assert.equal(await latestVersion(table), before + 1);
    assert.deepEqual(await rows(table), rowsBefore);

    const dropped = await runCliJson<{ version: number }>(['constraint', 'drop', table, 'positive_id']);
    assert.equal(dropped.version, before + 2);
    const missing = await runCliCaptured(['constraint', 'drop', table, 'positive_id']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error\[DELTA_INVALID_ARGUMENT\]: The table has no constraint positive_id/);
    const usage = await runCliCaptured(['write', table, '--from', extra, '--mode', 'sideways']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^error\[USAGE\]/);
  });

  test('overwrite with replace-where, merge-schema, error and ignore modes', async () => {
    const other = join(tmp.dir, 'days');
    const first = tmp.file('days.csv', 'day,n\n2024-05-01,1\n2024-05-02,2\n');
    assert.equal((await runCliJson<Summary>(['write', other, '--from', first, '--partition-by', 'day'])).version, 0);
    const replacement = tmp.file('day1.csv', 'day,n\n2024-05-01,100\n');
    const replaced = await runCliJson<Summary>(['write', other, '--from', replacement, '--mode', 'overwrite', '--replace-where', "day = DATE '2024-05-01'"]);
    assert.deepEqual([replaced.rowsAdded, replaced.filesRemoved], [1, 1]);
    const scan = (await runCliCaptured(['scan', other, '--format', 'ndjson'])).stdout.trim().split('\n').sort();
    assert.deepEqual(scan, ['{"day":"2024-05-01","n":100}', '{"day":"2024-05-02","n":2}']);
    const wider = tmp.file('wider.ndjson', '{"day":"2024-05-03","n":3,"note":"new column"}\n');
    assert.equal((await runCliCaptured(['write', other, '--from', wider])).code, 2);
    assert.equal((await runCliJson<Summary>(['write', other, '--from', wider, '--merge-schema'])).rowsAdded, 1);
    const exists = await runCliCaptured(['write', other, '--from', first, '--mode', 'error']);
    assert.match(exists.stderr, /^error\[DELTA_TABLE_EXISTS\]/);
    const ignored = await runCliJson<Summary>(['write', other, '--from', first, '--mode', 'ignore']);
    assert.deepEqual([ignored.version, ignored.rowsAdded], [2, 0]);
  });

  test('checkpoint, vacuum (refusal, dry run, forced) and restore through the CLI', async () => {
    const cp = await runCliJson<{ version: number; numOfAddFiles: number }>(['checkpoint', table]);
    assert.equal(cp.version, await latestVersion(table));
    const restoreTo = 3;
    const expected = await rows(table, restoreTo);
    const restored = await runCliJson<{ version: number; restoredVersion: number; filesAdded: number }>(['restore', table, '--version', String(restoreTo)]);
    assert.equal(restored.restoredVersion, restoreTo);
    assert.deepEqual(await rows(table), expected);

    const refused = await runCliCaptured(['vacuum', table, '--retain-hours', '0']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^error\[DELTA_RETENTION_TOO_SHORT\]: Refusing to VACUUM with a retention of 0 hours/);
    const dry = await runCliJson<{ dryRun: boolean; files: string[]; filesRemoved: number }>(['vacuum', table, '--retain-hours', '0', '--force', '--dry-run']);
    assert.equal(dry.dryRun, true);
    assert.ok(dry.files.length > 0);
    assert.equal(dry.filesRemoved, 0);
    const vacuumed = await runCliJson<{ version: number; files: string[]; filesRemoved: number }>(['vacuum', table, '--retain-hours', '0', '--force']);
    assert.deepEqual(vacuumed.files, dry.files);
    assert.equal(vacuumed.filesRemoved, dry.files.length);
    assert.equal(vacuumed.version, await latestVersion(table));
    assert.deepEqual(await rows(table), expected, 'the latest rows survive VACUUM');
    const gone = await runCliCaptured(['restore', table, '--version', '4']);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /^error\[DELTA_FILE_NOT_FOUND\]: Cannot restore version 4: /);
    const both = await runCliCaptured(['restore', table]);
    assert.match(both.stderr, /^error\[USAGE\]: give exactly one of --version and --timestamp/);
  });
});
