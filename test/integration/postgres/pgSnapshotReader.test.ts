import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RecordBatch } from 'apache-arrow';
import type pg from 'pg';
import { formatDataType } from '../../../src/delta/schema';
import { isDeltaError } from '../../../src/delta/errors';
import { connectPostgres } from '../../../src/connectors/postgres/pgConnect';
import { PgSnapshotReader } from '../../../src/connectors/postgres/pgSnapshotReader';
import type { PgSource } from '../../../src/connectors/postgres/pgSourceSchema';
import { batchRowsText } from '../../helpers/arrowCellText';
import { snapshotIdTotals } from '../../helpers/snapshotIdTotals';
import { MISSING_POSTGRES, PASSWORD, startPostgresCluster, type PostgresCluster } from '../../helpers/postgresCluster';
import { ALL_TYPES_DDL, ALL_TYPES_EXPECTED_DELTA, ALL_TYPES_ROWS, canonicalSourceRows } from './allTypesTable';

describe('PostgreSQL snapshot reader (real server)', () => {
  let cluster: PostgresCluster | undefined;
  let admin: pg.Client;

  before(async () => {
    cluster = await startPostgresCluster();
    if (!cluster) return;
    admin = await cluster.client();
    await admin.query(ALL_TYPES_DDL);
    await admin.query(ALL_TYPES_ROWS);
  });
  after(async () => cluster?.stop());

  async function readAll(source: PgSource, limits?: { rows: number; bytes: number }, inWorker = false): Promise<{ batches: RecordBatch[]; reader: PgSnapshotReader }> {
    const url = (cluster as PostgresCluster).url;
    const client = await connectPostgres({ url });
    try {
      const reader = await PgSnapshotReader.open(client, source, { ...(limits ? { limits } : {}), ...(inWorker ? { connection: { url }, workerMinRows: 0 } : {}) });
      const batches: RecordBatch[] = [];
      for await (const batch of reader.batches()) batches.push(batch);
      await reader.close();
      return { batches, reader };
    } finally {
      await client.end();
    }
  }

  test('maps every type to the documented Delta type, with nullability and primary key', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    const { reader } = await readAll({ table: 'public.all_types' });
    const schema = reader.schema;
    assert.deepEqual(schema.primaryKey, ['id']);
    assert.deepEqual(
      schema.deltaSchema.fields.map((f) => `${f.name} ${formatDataType(f.type)}${f.nullable ? '' : ' not null'}`),
      ALL_TYPES_EXPECTED_DELTA);
    assert.equal(reader.transfer, 'copy');
    assert.ok(reader.position);
    assert.match(reader.position.lsn, /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.match(reader.position.snapshotId, /^[0-9A-F]+-[0-9A-F]+-\d+$/);
  });

  test('every value round-trips: Arrow cells equal the source rendered by SQL', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    const { batches, reader } = await readAll({ table: 'all_types' });
    const ours = batchRowsText(batches).sort((a, b) => Number(a[0]) - Number(b[0]));
    const expected = await canonicalSourceRows(admin, reader.schema.columns);
    assert.equal(ours.length, 4);
    assert.deepEqual(ours, expected);
  });

  test('a role allowed one connection: the worker\'s second session is refused, and the rows are read in the reader\'s own session', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    await admin.query('CREATE TABLE solo_rows AS SELECT g AS n FROM generate_series(1, 30000) g');
    await admin.query('CREATE ROLE solo LOGIN CONNECTION LIMIT 1');
    await admin.query('GRANT SELECT ON solo_rows TO solo');
    const url = cluster.url.replace(/^postgresql:\/\/[^@]+@/, 'postgresql://solo@');
    const client = await connectPostgres({ url });
    try {
      const reader = await PgSnapshotReader.open(client, { table: 'solo_rows' }, { connection: { url }, workerMinRows: 0, workerPatienceMs: 600_000 });
      await admin.query('INSERT INTO solo_rows SELECT generate_series(30001, 31000)');
      assert.deepEqual(await snapshotIdTotals(reader), { count: 30000, sum: 450015000, readBy: 'session' });
    } finally {
      await client.end();
    }
  });

  test('two COPY workers over the halves of the key range read every row once, in the reader\'s snapshot', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    const url = cluster.url;
    // Keys with a gap and negative ones: the halves split the key range, not the row count.
    await admin.query('CREATE TABLE split_rows (id bigint PRIMARY KEY, n int NOT NULL)');
    await admin.query('INSERT INTO split_rows SELECT g, g % 1000 FROM generate_series(-20000, 20000) g WHERE g NOT BETWEEN 100 AND 5000');
    await admin.query('ANALYZE split_rows');
    const client = await connectPostgres({ url });
    try {
      const reader = await PgSnapshotReader.open(client, { table: 'split_rows' }, { connection: { url }, workerMinRows: 0, splitMinRows: 0, workerPatienceMs: 600_000, limits: { rows: 3000, bytes: 1 << 30 } });
      await admin.query('INSERT INTO split_rows SELECT g, 1 FROM generate_series(20001, 21000) g');
      await admin.query('DELETE FROM split_rows WHERE id < -19000');
      const ids = new Set<bigint>();
      let count = 0;
      for await (const batch of reader.batches()) {
        for (const id of (batch.getChildAt(0)?.data[0]?.values as BigInt64Array).subarray(0, batch.numRows)) ids.add(id);
        count += batch.numRows;
      }
      await reader.close();
      const expected = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM generate_series(-20000, 20000) g WHERE g NOT BETWEEN 100 AND 5000')).rows[0]?.n;
      assert.deepEqual({ count, distinct: ids.size, min: Math.min(...[...ids].map(Number)), max: Math.max(...[...ids].map(Number)), readBy: reader.readBy, streams: reader.streams },
        { count: expected, distinct: expected, min: -20000, max: 20000, readBy: 'worker', streams: 2 });
    } finally {
      await client.end();
    }
  });

  test('a query source streams in many bounded batches with every row once', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    const query = "SELECT g AS n, repeat('x', g % 50) AS s, (g::numeric(12,3) / 7)::numeric(12,3) AS q FROM generate_series(1, 100000) g";
    const { batches, reader } = await readAll({ query }, { rows: 7000, bytes: 1 << 30 });
    assert.equal(reader.schema.primaryKey.length, 0);
    assert.equal(batches.length, 15);
    assert.ok(batches.every((b) => b.numRows <= 7000));
    let sum = 0n;
    let count = 0;
    for (const batch of batches) {
      const values = batch.getChildAt(0)?.data[0]?.values as Int32Array;
      for (const v of values.subarray(0, batch.numRows)) sum += BigInt(v);
      count += batch.numRows;
    }
    assert.equal(count, 100000);
    assert.equal(sum, 5000050000n);
  });

  test('an unknown table is SOURCE_NOT_FOUND naming it', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    await assert.rejects(readAll({ table: 'public.no_such_table' }),
      (e: unknown) => isDeltaError(e, 'SOURCE_NOT_FOUND') && e.message.includes('public.no_such_table'));
    await assert.rejects(readAll({ query: 'SELECT nope FROM all_types' }),
      (e: unknown) => isDeltaError(e, 'SOURCE_NOT_FOUND') && e.message.includes('nope'));
  });

  test('bad credentials are SOURCE_CONNECTION_FAILED without the password in the message', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    const c = cluster;
    await assert.rejects(connectPostgres({ url: c.tcpUrlWithoutPassword, password: 'wrong-secret' }),
      (e: unknown) => isDeltaError(e, 'SOURCE_CONNECTION_FAILED') && /password/.test(e.message) && !e.message.includes('wrong-secret'));
    const good = await connectPostgres({ url: c.tcpUrlWithoutPassword, password: PASSWORD });
    assert.equal((await good.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u, 'ingest_user');
    await good.end();
    await assert.rejects(connectPostgres({ url: `${c.tcpUrlWithoutPassword.replace(/\/postgres$/, '')}/nodb`, password: PASSWORD }),
      (e: unknown) => isDeltaError(e, 'SOURCE_CONNECTION_FAILED') && /does not exist/.test(e.message));
  });

  test('values a Delta decimal or timestamp cannot hold are refused, not rounded', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    await assert.rejects(readAll({ query: 'SELECT 1::numeric / 3 AS third' }),
      (e: unknown) => isDeltaError(e, 'SOURCE_VALUE_OUT_OF_RANGE') && e.message.includes('"third"'));
    await assert.rejects(readAll({ query: "SELECT 'NaN'::numeric AS n" }), (e: unknown) => isDeltaError(e, 'SOURCE_VALUE_OUT_OF_RANGE'));
    await assert.rejects(readAll({ query: "SELECT 'infinity'::timestamptz AS t" }), (e: unknown) => isDeltaError(e, 'SOURCE_VALUE_OUT_OF_RANGE'));
    await assert.rejects(readAll({ query: 'SELECT ARRAY[[1,2],[3,4]] AS m' }), (e: unknown) => isDeltaError(e, 'SOURCE_TYPE_UNSUPPORTED'));
    await assert.rejects(readAll({ query: 'SELECT 1e20::numeric AS big' }),
      (e: unknown) => isDeltaError(e, 'SOURCE_VALUE_OUT_OF_RANGE') && /20 digits before the point/.test(e.message));
    const { batches } = await readAll({ query: "SELECT -12345678901234567890.123456789012345678::numeric AS big, '1234567890123456789012345678901234567.5'::numeric(38,1) AS wide" });
    assert.deepEqual(batchRowsText(batches), [['-12345678901234567890.123456789012345678', '1234567890123456789012345678901234567.5']]);
  });

  test('decimals on both sides of 2^53 (the exact double path and the BigInt path) read as their text', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    const values = ['0', '-0.01', '0.01', '90071992547409.91', '90071992547409.92', '-90071992547409.93', '9999999999999999.99', '-1234567.89', '100000000.00', '12.5'];
    const { batches } = await readAll({ query: `SELECT v::numeric(18,2) AS v FROM unnest('{${values.join(',')}}'::text[]) WITH ORDINALITY AS u(v, o) ORDER BY o` });
    const expected = (await admin.query<{ v: string }>(`SELECT trim_scale(v::numeric(18,2))::text AS v FROM unnest('{${values.join(',')}}'::text[]) WITH ORDINALITY AS u(v, o) ORDER BY o`)).rows.map((r) => [r.v]);
    assert.deepEqual(batchRowsText(batches).map(([v]) => [v?.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v]), expected);
    // Unconstrained numeric is decimal(38,18): 1e-20 has two digits too many after the point.
    await assert.rejects(readAll({ query: 'SELECT 1e-20::numeric AS q' }),
      (e: unknown) => isDeltaError(e, 'SOURCE_VALUE_OUT_OF_RANGE') && /more than 18 digits after the point/.test(e.message));
  });

  test('with connection settings the rows come from a worker thread in the reader\'s snapshot; errors keep their code; stopping early closes its connection', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    const url = cluster.url;
    await admin.query('CREATE TABLE worker_rows AS SELECT g AS n FROM generate_series(1, 50000) g');
    const client = await connectPostgres({ url });
    try {
      // Patience far above any load: this test is about the worker's path, not the fallback.
      const reader = await PgSnapshotReader.open(client, { table: 'worker_rows' }, { connection: { url }, workerMinRows: 0, workerPatienceMs: 600_000, limits: { rows: 4000, bytes: 1 << 30 } });
      // Committed after the snapshot was taken: the worker, in the reader's snapshot, must not see it.
      await admin.query('INSERT INTO worker_rows SELECT generate_series(50001, 60000)');
      let count = 0;
      let sum = 0;
      let batches = 0;
      for await (const batch of reader.batches()) {
        batches++;
        const values = batch.getChildAt(0)?.data[0]?.values as Int32Array;
        for (const v of values.subarray(0, batch.numRows)) sum += v;
        count += batch.numRows;
      }
      assert.deepEqual({ count, sum, batches, readBy: reader.readBy }, { count: 50000, sum: 1250025000, batches: 13, readBy: 'worker' });
      for await (const batch of reader.batches()) {
        assert.equal(batch.numRows, 4000);
        break;
      }
      await reader.close();
    } finally {
      await client.end();
    }
    const open = async (): Promise<number> => Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'lakehouse-ingest'")).rows[0]?.n);
    // The server notices the stopped worker's closed socket on its own schedule: wait for it, no fixed sleep.
    const deadline = Date.now() + 60_000;
    while ((await open()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await open(), 0);

    const { batches, reader } = await readAll({ table: 'all_types' }, undefined, true);
    assert.deepEqual(batchRowsText(batches).sort((a, b) => Number(a[0]) - Number(b[0])), await canonicalSourceRows(admin, reader.schema.columns));
    await assert.rejects(readAll({ query: 'SELECT 1::numeric / 3 AS third' }, undefined, true),
      (e: unknown) => isDeltaError(e, 'SOURCE_VALUE_OUT_OF_RANGE') && e.message.includes('"third"'));
  });
});
