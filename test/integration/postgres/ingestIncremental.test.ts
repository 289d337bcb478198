import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DeltaTable } from '../../../src/delta/table';
import { ingestPostgresIncremental, WATERMARK_DOMAIN_PREFIX } from '../../../src/ops/ingest/ingestPostgresIncremental';
import { MISSING_POSTGRES } from '../../helpers/postgresCluster';
import { usePostgresSuite } from '../../helpers/postgresSuite';
import { deltaItems, sourceItems, WORKLOAD_DDL } from './workloadTable';

const CLI = join(import.meta.dirname, '../../../src/cli/main.ts');

/** The CLI in a child process, so it can be killed like a real crash. */
function cli(args: string[]): { done: Promise<{ code: number | null; stderr: string }>; kill: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  return {
    done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr }))),
    kill: () => child.kill('SIGKILL'),
  };
}

describe('lakehouse ingest postgres --mode incremental (real server)', () => {
  const server = usePostgresSuite('lakehouse-incr-', async (admin) => {
    await admin.query(WORKLOAD_DDL);
    await admin.query(`INSERT INTO items (id, name, payload, qty, updated_at)
      SELECT g, 'item ' || g, repeat('x', g % 7), g * 1.5, timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series(1, 1000) g`);
  });

  test('first run copies, a rerun adds nothing, updates and inserts land once; the watermark lives in the table', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'items');
    const run = () => ingestPostgresIncremental({ url: server.cluster!.url, table: 'items', target, watermark: 'updated_at' });
    const first = await run();
    assert.deepEqual([first.rows, first.from, first.appId, first.key], [1000, null, 'pg:postgres/public.items', ['id']]);
    assert.deepEqual(await deltaItems(target), await sourceItems(server.admin));

    const again = await run();
    assert.deepEqual([again.version, again.rows, again.from, again.to], [undefined, 0, first.to, first.to]);

    await server.admin.query("UPDATE items SET name = 'renamed', qty = qty + 1, updated_at = timestamptz '2025-01-01' + id * interval '1 ms' WHERE id % 100 = 0");
    await server.admin.query("INSERT INTO items (id, name, updated_at) SELECT g, 'new ' || g, timestamptz '2025-02-01' FROM generate_series(1001, 1020) g");
    const third = await run();
    assert.equal(third.rows, 30);
    const rows = await deltaItems(target);
    assert.equal(rows.length, 1020);
    assert.equal(new Set(rows.map((r) => r[0])).size, 1020);
    assert.deepEqual(rows, await sourceItems(server.admin));
    assert.equal(rows.find((r) => r[0] === '500')?.[1], 'renamed');

    const snapshot = await (await DeltaTable.open(target)).snapshot();
    assert.equal(snapshot.txnVersion('pg:postgres/public.items'), 2);
    const domain = snapshot.domainMetadata(`${WATERMARK_DOMAIN_PREFIX}pg:postgres/public.items`);
    assert.deepEqual(JSON.parse(domain?.configuration ?? '{}'), { column: 'updated_at', value: '2025-02-01 00:00:00+00', pgType: 'timestamp with time zone' });
  });

  test('an increasing key as watermark; a process killed at any moment loses nothing and duplicates nothing', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'by_id');
    const args = ['ingest', 'postgres', '--url', server.cluster.url, '--table', 'public.items', '--to', target, '--mode', 'incremental', '--watermark', 'id', '--json'];
    let next = 2000;
    let killed = 0;
    for (const delay of [300, 900, 1500, 2100, 2700]) {
      await server.admin.query(`INSERT INTO items (id, name, payload) SELECT g, 'k' || g, repeat(md5(g::text), 20) FROM generate_series(${next}, ${next + 20_000 - 1}) g`);
      next += 20_000;
      const child = cli(args);
      const timer = setTimeout(child.kill, delay);
      if ((await child.done).code === null) killed++;
      clearTimeout(timer);
    }
    assert.ok(killed > 0, 'no run was killed: the crash test did not test a crash');
    const last = cli(args);
    const { code, stderr } = await last.done;
    assert.equal(code, 0, stderr);
    const rows = await deltaItems(target);
    assert.equal(rows.length, Number((await server.admin.query<{ n: string }>('SELECT count(*) AS n FROM items')).rows[0]?.n));
    assert.deepEqual(rows, await sourceItems(server.admin));
  });

  test('bad watermark column and a table without key are refused with a clear message', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    await server.admin.query('CREATE TABLE nokey (a int, b text)');
    await assert.rejects(ingestPostgresIncremental({ url: server.cluster.url, table: 'items', target: join(server.dir, 'x'), watermark: 'nope' }),
      (e: Error) => e.message.includes('--watermark nope') && e.message.includes('has no such column'));
    await assert.rejects(ingestPostgresIncremental({ url: server.cluster.url, table: 'nokey', target: join(server.dir, 'y'), watermark: 'a' }),
      /has no primary key: name the key columns with --key/);
    const keyed = await ingestPostgresIncremental({ url: server.cluster.url, table: 'nokey', target: join(server.dir, 'y'), watermark: 'a', key: ['a'] });
    assert.equal(keyed.rows, 0);
  });
});
