import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { listPgSchemas, listPgTables } from '../../../src/connectors/postgres/pgCatalog';
import { connectPostgres } from '../../../src/connectors/postgres/pgConnect';
import { MISSING_POSTGRES, PASSWORD, startPostgresCluster, type PostgresCluster } from '../../helpers/postgresCluster';

describe('PostgreSQL catalog for the Connections view (real server)', () => {
  let cluster: PostgresCluster | undefined;
  let client: pg.Client | undefined;

  before(async () => {
    cluster = await startPostgresCluster();
    if (!cluster) return;
    const admin = await cluster.client();
    await admin.query(`
      CREATE TABLE public.orders (id int PRIMARY KEY, note text);
      INSERT INTO public.orders SELECT g, 'n' || g FROM generate_series(1, 1500) g;
      ANALYZE public.orders;
      CREATE TABLE public.never_analyzed (a int);
      CREATE VIEW public.recent AS SELECT * FROM public.orders WHERE id > 1000;
      CREATE TABLE public.measurements (at date, v int) PARTITION BY RANGE (at);
      CREATE TABLE public.measurements_2026 PARTITION OF public.measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      CREATE SCHEMA "Sales";
      CREATE TABLE "Sales"."Order Lines" (line int, "Order" int, PRIMARY KEY ("Order", line));
      CREATE SCHEMA hidden;
      CREATE ROLE plain_user LOGIN;`);
    // As the password user, over TCP: what a saved connection sees.
    client = await connectPostgres({ url: cluster.tcpUrlWithoutPassword, password: PASSWORD, connectTimeoutMs: 10_000 });
  });
  after(async () => {
    await client?.end();
    await cluster?.stop();
  });

  test('schemas the user may use, system ones left out', async (t) => {
    if (!client || !cluster) return t.skip(MISSING_POSTGRES);
    // pg_read_all_data (the password user has it) grants USAGE on every schema.
    assert.deepEqual(await listPgSchemas(client), ['Sales', 'hidden', 'public']);
    const plain = await connectPostgres({ url: `postgresql://plain_user@${encodeURIComponent(cluster.socketDir)}:${cluster.port}/postgres` });
    try {
      assert.deepEqual(await listPgSchemas(plain), ['public']);
    } finally {
      await plain.end();
    }
  });

  test('tables with row estimates (none when never analyzed, none for views), primary keys in key order, partitions under their parent', async (t) => {
    if (!client) return t.skip(MISSING_POSTGRES);
    assert.deepEqual(await listPgTables(client, 'public'), [
      { schema: 'public', name: 'measurements', kind: 'partitioned table', rowEstimate: null, primaryKey: [] },
      { schema: 'public', name: 'never_analyzed', kind: 'table', rowEstimate: null, primaryKey: [] },
      { schema: 'public', name: 'orders', kind: 'table', rowEstimate: 1500, primaryKey: ['id'] },
      { schema: 'public', name: 'recent', kind: 'view', rowEstimate: null, primaryKey: [] },
    ]);
    assert.deepEqual(await listPgTables(client, 'Sales'), [
      { schema: 'Sales', name: 'Order Lines', kind: 'table', rowEstimate: null, primaryKey: ['Order', 'line'] },
    ]);
    assert.deepEqual(await listPgTables(client, 'no_such_schema'), []);
  });
});
