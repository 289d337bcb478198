import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isDeltaError } from '../../../src/delta/errors';
import { ingestPostgresCdc } from '../../../src/ops/ingest/ingestPostgresCdc';
import { MISSING_POSTGRES } from '../../helpers/postgresCluster';
import { usePostgresSuite } from '../../helpers/postgresSuite';
import { deltaItems, sourceItems, WORKLOAD_DDL } from '../postgres/workloadTable';

describe('lakehouse ingest postgres --mode cdc: refusals and recovery (real server)', () => {
  const server = usePostgresSuite('lakehouse-cdc-err-', async (admin) => {
    await admin.query(WORKLOAD_DDL);
    await admin.query("INSERT INTO items (id, name) SELECT g, 'n' || g FROM generate_series(1, 50) g");
  });

  test('a table without a primary key, an unknown table and an unsupported column type are refused before anything is created', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    await server.admin.query('CREATE TABLE events (at timestamptz, what text)');
    await assert.rejects(ingestPostgresCdc({ url: server.cluster.url, table: 'events', target: join(server.dir, 'events'), until: 'once' }),
      (e: Error) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT') && /public\.events has no primary key, which cdc mode needs/.test(e.message));
    await assert.rejects(ingestPostgresCdc({ url: server.cluster.url, table: 'nope', target: join(server.dir, 'nope'), until: 'once' }),
      (e: Error) => isDeltaError(e, 'SOURCE_NOT_FOUND') && e.message.includes('"nope"'));
    await server.admin.query('CREATE TABLE spans (id int PRIMARY KEY, during interval)');
    await assert.rejects(ingestPostgresCdc({ url: server.cluster.url, table: 'spans', target: join(server.dir, 'spans'), until: 'once' }),
      (e: Error) => isDeltaError(e, 'SOURCE_TYPE_UNSUPPORTED') && e.message.includes('during (interval)'));
    const slots = await server.admin.query('SELECT slot_name FROM pg_replication_slots');
    assert.deepEqual(slots.rows, []);
  });

  test('a dropped slot stops the pipeline with the way out; a new slot name takes a new snapshot', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'items');
    const first = await ingestPostgresCdc({ url: server.cluster.url, table: 'items', target, slot: 's1', until: 'once' });
    assert.equal(first.snapshot?.rows, 50);
    // The walsender of the finished run may still be exiting.
    while ((await server.admin.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = 's1' AND active")).rows.length > 0) await new Promise((r) => setTimeout(r, 50));
    await server.admin.query("SELECT pg_drop_replication_slot('s1')");
    await server.admin.query("UPDATE items SET name = 'changed' WHERE id = 7");
    await assert.rejects(ingestPostgresCdc({ url: server.cluster.url, table: 'items', target, slot: 's1', until: 'once' }),
      (e: Error) => isDeltaError(e, 'SOURCE_NOT_FOUND') && /slot "s1" no longer exists.*new --slot name/.test(e.message));
    const again = await ingestPostgresCdc({ url: server.cluster.url, table: 'items', target, slot: 's2', publication: 's1', until: 'once' });
    assert.equal(again.snapshot?.rows, 50);
    assert.deepEqual(await deltaItems(target), await sourceItems(server.admin));
  });

  test('bad credentials name the problem and never show the password', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    await assert.rejects(ingestPostgresCdc({ url: server.cluster.tcpUrlWithoutPassword, password: 'wrong secret', table: 'items', target: join(server.dir, 'x'), until: 'once' }),
      (e: Error) => isDeltaError(e, 'SOURCE_CONNECTION_FAILED') && e.message.includes('password') && !e.message.includes('wrong secret'));
  });
});
