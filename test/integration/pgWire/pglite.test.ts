import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { connectPostgres } from '../../../src/connectors/postgres/pgConnect';
import { PgSnapshotReader } from '../../../src/connectors/postgres/pgSnapshotReader';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { ingestPostgresCdc } from '../../../src/ops/ingest/ingestPostgresCdc';
import { ingestPostgresIncremental } from '../../../src/ops/ingest/ingestPostgresIncremental';
import { ingestPostgresSnapshot } from '../../../src/ops/ingest/ingestPostgresSnapshot';
import { MISSING_PGLITE, startPglite } from '../../helpers/pgliteServer';
import { deltaItems, sourceItems, WORKLOAD_DDL } from '../postgres/workloadTable';
import { wireServerFixture } from './wireServerFixture';
import { snapshotIdTotals } from '../../helpers/snapshotIdTotals';

/** PGlite is PostgreSQL (compiled to WebAssembly), so it takes the binary COPY path; what differs is its single session. */
describe('PGlite over its socket server (binary COPY, one session)', () => {
  const wire = wireServerFixture('pglite', startPglite, async (admin) => {
    await admin.query(WORKLOAD_DDL);
    await admin.query(`INSERT INTO items (id, name, payload, qty, updated_at)
      SELECT g, 'item ' || g, CASE WHEN g % 10 <> 0 THEN repeat('é', g % 7) END, g * 1.5, timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series(1, 2000) g`);
  });

  test('snapshot of a table and of a query: the Delta rows are the source rows', async (t) => {
    if (!wire.server) return t.skip(MISSING_PGLITE);
    const target = join(wire.dir, 'items');
    const result = await ingestPostgresSnapshot({ url: wire.server.url, source: { table: 'items' }, target });
    assert.deepEqual([result.rows, result.transfer, result.primaryKey], [2000, 'copy', ['id']]);
    assert.match(result.position?.lsn ?? '', /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.deepEqual(await deltaItems(target), await sourceItems(wire.admin));

    const query = join(wire.dir, 'query');
    const fromQuery = await ingestPostgresSnapshot({ url: wire.server.url, source: { query: 'SELECT * FROM items WHERE id % 3 = 0' }, target: query });
    assert.equal(fromQuery.rows, 666);
    assert.deepEqual(await deltaItems(query), await sourceItems(wire.admin, '(SELECT * FROM items WHERE id % 3 = 0) AS q'));
  });

  test('incremental by updated_at and the primary key: updates and inserts land once', async (t) => {
    if (!wire.server) return t.skip(MISSING_PGLITE);
    const target = join(wire.dir, 'incremental');
    const run = () => ingestPostgresIncremental({ url: wire.server!.url, table: 'items', target, watermark: 'updated_at' });
    const first = await run();
    assert.deepEqual([first.rows, first.to, first.key], [2000, '2024-01-01 00:33:20+00', ['id']]);
    await wire.admin.query("UPDATE items SET name = 'renamed', updated_at = timestamptz '2025-01-01' + id * interval '1 ms' WHERE id % 100 = 0");
    await wire.admin.query("INSERT INTO items (id, name, updated_at) SELECT g, 'new ' || g, timestamptz '2025-02-01' FROM generate_series(2001, 2010) g");
    const second = await run();
    assert.deepEqual([second.rows, second.from], [30, first.to]);
    const rows = await deltaItems(target);
    assert.equal(rows.length, 2010);
    assert.deepEqual(rows, await sourceItems(wire.admin));
    assert.equal((await run()).rows, 0);
  });

  // Before the check, cdc opened a replication connection, which took over PGlite's one session
  // until the server restarted: every later query failed.
  test('cdc is refused before any replication connection or publication; the one session still serves queries', async (t) => {
    if (!wire.server) return t.skip(MISSING_PGLITE);
    const target = join(wire.dir, 'cdc');
    await assert.rejects(ingestPostgresCdc({ url: wire.server.url, table: 'items', target, until: 'once' }),
      (error) => isDeltaError(error, 'SOURCE_CDC_UNSUPPORTED')
        && /^PGlite [\d.]+ \(PostgreSQL [\d.]+\) cannot do cdc: it serves one session and has no logical replication \(wal_level is replica\).*--mode incremental --watermark <column>/.test(error.message));
    assert.equal(await DeltaTable.open(target).then(() => true, () => false), false);
    const fresh = await wire.server.client();
    assert.deepEqual((await fresh.query('SELECT (SELECT count(*)::int FROM items) AS items, (SELECT count(*)::int FROM pg_publication) AS publications')).rows, [{ items: 2010, publications: 0 }]);
    const snapshot = await ingestPostgresSnapshot({ url: wire.server.url, source: { query: 'SELECT * FROM items WHERE id <= 10' }, target: join(wire.dir, 'after-cdc') });
    assert.equal(snapshot.rows, 10);
  });

  // Tables estimated at 100k rows or more are copied by a worker over a second session in the
  // exported snapshot; PGlite queues that session's queries while the reader's transaction is open,
  // so the worker never gets the snapshot: the reader gives up on it and reads on its own session.
  // The test's timeout turns a hang back into a failure.
  test('a table large enough for the COPY worker is read on the one session', { timeout: 300_000 }, async (t) => {
    if (!wire.server) return t.skip(MISSING_PGLITE);
    await wire.admin.query("CREATE TABLE big AS SELECT g AS id, 'row ' || g AS name FROM generate_series(1, 100000) g");
    await wire.admin.query('ANALYZE big');
    const client = await connectPostgres({ url: wire.server.url });
    try {
      const reader = await PgSnapshotReader.open(client, { table: 'big' }, { connection: { url: wire.server.url }, workerPatienceMs: 200 });
      assert.deepEqual(await snapshotIdTotals(reader), { count: 100_000, sum: 5_000_050_000, readBy: 'session' });
    } finally {
      await client.end();
    }
    // The ingest itself, with the default patience.
    const result = await ingestPostgresSnapshot({ url: wire.server.url, source: { table: 'big' }, target: join(wire.dir, 'big') });
    assert.deepEqual([result.rows, result.transfer], [100_000, 'copy']);
  });
});
