import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { isDeltaError } from '../../../src/delta/errors';
import { ingestPostgresCdc } from '../../../src/ops/ingest/ingestPostgresCdc';
import { MISSING_POSTGRES, startPostgresCluster, type PostgresCluster } from '../../helpers/postgresCluster';
import { deltaItems, sourceItems, WORKLOAD_DDL } from '../postgres/workloadTable';

describe('lakehouse ingest postgres --mode cdc: refusals and recovery (real server)', () => {
  let cluster: PostgresCluster | undefined;
  let admin: pg.Client;
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakehouse-cdc-err-'));
    cluster = await startPostgresCluster();
    if (!cluster) return;
    admin = await cluster.client();
    await admin.query(WORKLOAD_DDL);
    await admin.query("INSERT INTO items (id, name) SELECT g, 'n' || g FROM generate_series(1, 50) g");
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a table without a primary key, an unknown table and an unsupported column type are refused before anything is created', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    await admin.query('CREATE TABLE events (at timestamptz, what text)');
    await assert.rejects(ingestPostgresCdc({ url: cluster.url, table: 'events', target: join(dir, 'events'), until: 'once' }),
      (e: Error) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT') && /public\.events has no primary key, which cdc mode needs/.test(e.message));
    await assert.rejects(ingestPostgresCdc({ url: cluster.url, table: 'nope', target: join(dir, 'nope'), until: 'once' }),
      (e: Error) => isDeltaError(e, 'SOURCE_NOT_FOUND') && e.message.includes('"nope"'));
    await admin.query('CREATE TABLE spans (id int PRIMARY KEY, during interval)');
    await assert.rejects(ingestPostgresCdc({ url: cluster.url, table: 'spans', target: join(dir, 'spans'), until: 'once' }),
      (e: Error) => isDeltaError(e, 'SOURCE_TYPE_UNSUPPORTED') && e.message.includes('during (interval)'));
    const slots = await admin.query('SELECT slot_name FROM pg_replication_slots');
    assert.deepEqual(slots.rows, []);
  });

  test('a dropped slot stops the pipeline with the way out; a new slot name takes a new snapshot', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    const target = join(dir, 'items');
    const first = await ingestPostgresCdc({ url: cluster.url, table: 'items', target, slot: 's1', until: 'once' });
    assert.equal(first.snapshot?.rows, 50);
    // The walsender of the finished run may still be exiting.
    while ((await admin.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = 's1' AND active")).rows.length > 0) await new Promise((r) => setTimeout(r, 50));
    await admin.query("SELECT pg_drop_replication_slot('s1')");
    await admin.query("UPDATE items SET name = 'changed' WHERE id = 7");
    await assert.rejects(ingestPostgresCdc({ url: cluster.url, table: 'items', target, slot: 's1', until: 'once' }),
      (e: Error) => isDeltaError(e, 'SOURCE_NOT_FOUND') && /slot "s1" no longer exists.*new --slot name/.test(e.message));
    const again = await ingestPostgresCdc({ url: cluster.url, table: 'items', target, slot: 's2', publication: 's1', until: 'once' });
    assert.equal(again.snapshot?.rows, 50);
    assert.deepEqual(await deltaItems(target), await sourceItems(admin));
  });

  test('bad credentials name the problem and never show the password', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    await assert.rejects(ingestPostgresCdc({ url: cluster.tcpUrlWithoutPassword, password: 'wrong secret', table: 'items', target: join(dir, 'x'), until: 'once' }),
      (e: Error) => isDeltaError(e, 'SOURCE_CONNECTION_FAILED') && e.message.includes('password') && !e.message.includes('wrong secret'));
  });
});
