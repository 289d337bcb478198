import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatDataType } from '../../../src/delta/schema';
import { DeltaTable } from '../../../src/delta/table';
import { batchRowsText } from '../../helpers/arrowCellText';
import { MISSING_POSTGRES, PASSWORD } from '../../helpers/postgresCluster';
import { usePostgresSuite } from '../../helpers/postgresSuite';
import { ALL_TYPES_DDL, ALL_TYPES_EXPECTED_DELTA, ALL_TYPES_ROWS, canonicalSourceRows } from './allTypesTable';
import { describePgSource } from '../../../src/connectors/postgres/pgSourceSchema';
import { runCliCaptured } from '../../helpers/runCliCaptured';

describe('lakehouse ingest postgres --mode snapshot (real server)', () => {
  const server = usePostgresSuite('lakehouse-ingest-', async (admin) => {
    await admin.query(ALL_TYPES_DDL);
    await admin.query(ALL_TYPES_ROWS);
  });

  test('every type round-trips through a Delta table read back by our scan; a rerun overwrites', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'all_types');
    const first = await runCliCaptured(['ingest', 'postgres', '--url', server.cluster.url, '--table', 'public.all_types', '--to', target, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout) as { version: number; rows: number; primaryKey: string[]; position: { lsn: string } };
    assert.deepEqual([report.version, report.rows, report.primaryKey], [0, 4, ['id']]);
    assert.match(report.position.lsn, /^[0-9A-F]+\/[0-9A-F]+$/);

    const snapshot = await (await DeltaTable.open(target)).snapshot();
    assert.deepEqual(snapshot.schema.fields.map((f) => `${f.name} ${formatDataType(f.type)}${f.nullable ? '' : ' not null'}`), ALL_TYPES_EXPECTED_DELTA);
    const ours = batchRowsText(await snapshot.scan().collect()).sort((a, b) => Number(a[0]) - Number(b[0]));
    const expected = await canonicalSourceRows(server.admin, (await describePgSource(server.admin, { table: 'all_types' })).columns);
    assert.deepEqual(ours, expected);

    await server.admin.query('DELETE FROM all_types WHERE id = 4');
    const second = await runCliCaptured(['ingest', 'postgres', '--url', server.cluster.url, '--table', 'all_types', '--to', target, '--json']);
    assert.equal(second.code, 0, second.stderr);
    const again = await (await DeltaTable.open(target)).snapshot();
    assert.equal(again.version, 1);
    assert.deepEqual(batchRowsText(await again.scan().collect()).map((r) => r[0]).sort(), ['1', '2', '3']);
  });

  test('a query into a partitioned table, appended twice', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'series');
    const query = 'SELECT g AS id, g % 3 AS part, md5(g::text) AS h FROM generate_series(1, 3000) g';
    for (const extra of [[], ['--append']]) {
      const result = await runCliCaptured(['ingest', 'postgres', '--url', server.cluster.url, '--query', query, '--to', target, '--partition-by', 'part', ...extra]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Copied 3000 rows/);
    }
    const snapshot = await (await DeltaTable.open(target)).snapshot();
    assert.deepEqual(snapshot.partitionColumns, ['part']);
    const rows = batchRowsText(await snapshot.scan().collect());
    assert.equal(rows.length, 6000);
    assert.equal(new Set(rows.map((r) => r[0])).size, 3000);
  });

  test('bad credentials and unknown tables exit 2 with a coded message, the password never printed', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'never');
    const bad = await runCliCaptured(['ingest', 'postgres', '--url', server.cluster.tcpUrlWithoutPassword, '--table', 'all_types', '--to', target], { PGPASSWORD: 'hunter2-wrong' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error\[SOURCE_CONNECTION_FAILED\]: .*password/);
    assert.ok(!bad.stderr.includes('hunter2-wrong') && !bad.stdout.includes('hunter2-wrong'));
    const good = await runCliCaptured(['ingest', 'postgres', '--url', server.cluster.tcpUrlWithoutPassword, '--table', 'nope.missing', '--to', target], { PGPASSWORD: PASSWORD });
    assert.equal(good.code, 2);
    assert.match(good.stderr, /^error\[SOURCE_NOT_FOUND\]: .*nope\.missing/);
    const usage = await runCliCaptured(['ingest', 'postgres', '--url', server.cluster.url, '--to', target]);
    assert.match(usage.stderr, /exactly one of --table and --query/);
  });
});
