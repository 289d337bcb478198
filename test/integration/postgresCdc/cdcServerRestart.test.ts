import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isDeltaError } from '../../../src/delta/errors';
import { ingestPostgresCdc, type CdcCommit } from '../../../src/ops/ingest/ingestPostgresCdc';
import { MISSING_POSTGRES } from '../../helpers/postgresCluster';
import { usePostgresSuite } from '../../helpers/postgresSuite';
import { deltaItems, sourceItems, WORKLOAD_DDL } from '../postgres/workloadTable';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('lakehouse ingest postgres --mode cdc: the server goes away (real server)', () => {
  const server = usePostgresSuite('lakehouse-cdc-restart-', async (admin) => {
    await admin.query(WORKLOAD_DDL);
    await admin.query("INSERT INTO items (id, name) SELECT g, 'n' || g FROM generate_series(1, 200) g");
  });

  test('--follow rides out a server restart: it reconnects with backoff and applies what was written before and after', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'items');
    const commits: CdcCommit[] = [];
    const reconnects: string[] = [];
    const controller = new AbortController();
    const following = ingestPostgresCdc({
      url: server.cluster.url, table: 'items', target, slot: 'restart_slot', until: 'follow', signal: controller.signal,
      batching: { maxDelayMs: 100 }, onCommit: (c) => commits.push(c), onReconnect: (r) => reconnects.push(r.reason),
    });
    const before = await server.cluster.client();
    await until('the slot to stream', async () => (await before.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = 'restart_slot' AND active")).rows.length > 0);
    await before.query("UPDATE items SET name = 'before restart' WHERE id <= 10");
    await until('the first change to be committed', () => commits.length > 0);

    // Changes committed at the source but possibly not yet in Delta when the server goes down.
    await before.query("UPDATE items SET name = 'racing the restart' WHERE id BETWEEN 11 AND 20");
    await server.cluster.restart();
    const afterRestart = await server.cluster.client();
    await afterRestart.query("INSERT INTO items (id, name) SELECT g, 'after restart' FROM generate_series(1001, 1010) g");
    await afterRestart.query('DELETE FROM items WHERE id = 5');
    await until('the changes after the restart', async () => JSON.stringify(await deltaItems(target)) === JSON.stringify(await sourceItems(afterRestart)));
    controller.abort();
    const result = await following;

    assert.ok(reconnects.length >= 1, 'it reconnected');
    assert.match(reconnects[0] ?? '', /terminat|shut|connect|ended/i);
    assert.equal(result.changes, 10 + 10 + 10 + 1);
    assert.deepEqual(await deltaItems(target), await sourceItems(afterRestart));
  });

  test('--once against a server that is down stops with a clear error; a rerun once it is back ends equal to the source', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'items');
    const admin = await server.cluster.client();
    await admin.query("UPDATE items SET name = 'while down' WHERE id BETWEEN 30 AND 35");
    await server.cluster.restart();
    // A port where nothing listens: the same URL with the server's port + 1 (free at the time of the test).
    const downUrl = server.cluster.url.replace(`:${server.cluster.port}/`, `:${server.cluster.port + 1}/`);
    await assert.rejects(ingestPostgresCdc({ url: downUrl, table: 'items', target, slot: 'restart_slot', until: 'once' }),
      (e: Error) => isDeltaError(e, 'SOURCE_CONNECTION_FAILED') && /Cannot connect to PostgreSQL at/.test(e.message));
    const rerun = await ingestPostgresCdc({ url: server.cluster.url, table: 'items', target, slot: 'restart_slot', until: 'once' });
    assert.equal(rerun.changes, 6);
    assert.deepEqual(await deltaItems(target), await sourceItems(await server.cluster.client()));
  });

  test('the slot dropped under a running --follow: it stops with an error naming the slot and the way out, the table keeps what was committed', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'items');
    const admin = await server.cluster.client();
    const commits: CdcCommit[] = [];
    const following = ingestPostgresCdc({
      url: server.cluster.url, table: 'items', target, slot: 'restart_slot', until: 'follow', batching: { maxDelayMs: 100 }, onCommit: (c) => commits.push(c),
    });
    await admin.query("UPDATE items SET name = 'last before the drop' WHERE id = 40");
    await until('the change to be committed', () => commits.length > 0);
    // The walsender holds the slot: end it, then drop the slot before the pipeline takes it again.
    await until('the slot to be dropped', async () => {
      await admin.query("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'restart_slot' AND active_pid IS NOT NULL");
      return admin.query("SELECT pg_drop_replication_slot('restart_slot')").then(() => true, () => false);
    });
    await assert.rejects(following,
      (e: Error) => isDeltaError(e, 'SOURCE_NOT_FOUND') && /slot "restart_slot" no longer exists/.test(e.message) && /new --slot name/.test(e.message));
    assert.deepEqual((await deltaItems(target)).find((r) => r[0] === '40')?.[1], 'last before the drop');
  });
});
