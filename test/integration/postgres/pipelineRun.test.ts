import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { MISSING_POSTGRES, startPostgresCluster, type PostgresCluster } from '../../helpers/postgresCluster';
import { deltaItems, sourceItems, WORKLOAD_DDL } from './workloadTable';
import { runCliCaptured } from '../../helpers/runCliCaptured';

describe('lakehouse pipeline run (real server)', () => {
  let cluster: PostgresCluster | undefined;
  let admin: pg.Client;
  let workspace = '';
  const saved = process.cwd();

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'lakehouse-ws-'));
    mkdirSync(join(workspace, '.lakehouse', 'pipelines'), { recursive: true });
    mkdirSync(join(workspace, 'sub'));
    cluster = await startPostgresCluster();
    if (!cluster) return;
    admin = await cluster.client();
    await admin.query(WORKLOAD_DDL);
    await admin.query("INSERT INTO items (id, name, qty) SELECT g, 'n' || g, g FROM generate_series(1, 300) g");
  });
  after(async () => {
    process.chdir(saved);
    await cluster?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  const save = (name: string, definition: object): void => {
    writeFileSync(join(workspace, '.lakehouse', 'pipelines', `${name}.json`), JSON.stringify(definition));
  };

  test('incremental and cdc pipelines run from a sub-folder; targets are relative to the workspace', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    save('items-incr', { source: 'postgres', url: cluster.url, table: 'public.items', to: 'lake/items_incr', mode: 'incremental', watermark: 'id' });
    save('items-cdc', { source: 'postgres', url: cluster.url, table: 'items', to: 'lake/items_cdc', mode: 'cdc', slot: 'pipe_slot' });
    process.chdir(join(workspace, 'sub'));
    const first = await runCliCaptured(['pipeline', 'run', 'items-incr', '--json']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual((JSON.parse(first.stdout) as { mode: string; rows: number }).rows, 300);
    const cdc = await runCliCaptured(['pipeline', 'run', 'items-cdc']);
    assert.equal(cdc.code, 0, cdc.stderr);
    assert.match(cdc.stdout, /^Snapshot of 300 rows at LSN [0-9A-F]+\/[0-9A-F]+ \(version 0\), then 0 changes in 0 commits/);

    await admin.query("INSERT INTO items (id, name) VALUES (301, 'late'); UPDATE items SET name = 'x' WHERE id = 3; DELETE FROM items WHERE id = 4");
    const again = await runCliCaptured(['pipeline', 'run', 'items-cdc', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { changes: number }).changes, 3);
    assert.deepEqual(await deltaItems(join(workspace, 'lake/items_cdc')), await sourceItems(admin));
    const incremental = await runCliCaptured(['pipeline', 'run', 'items-incr']);
    assert.match(incremental.stdout, /^Merged 1 row into .*lake\/items_incr as version 2; watermark 300 → 301\./);
  });

  test('a pipeline with a password, an unknown field or no such file is refused with the reason', async () => {
    process.chdir(workspace);
    save('secret', { source: 'postgres', url: 'postgresql://app:hunter2@db/shop', table: 't', to: 'x', mode: 'snapshot' });
    save('typo', { source: 'postgres', url: 'postgresql://app@db/shop', table: 't', to: 'x', mode: 'incremental', watermak: 'id' });
    const secret = await runCliCaptured(['pipeline', 'run', 'secret']);
    assert.equal(secret.code === 0, false);
    assert.match(secret.stderr, /holds a password; remove it and set PGPASSWORD/);
    assert.ok(!secret.stderr.includes('hunter2'));
    assert.match((await runCliCaptured(['pipeline', 'run', 'typo'])).stderr, /unknown field "watermak"/);
    assert.match((await runCliCaptured(['pipeline', 'run', 'nothere'])).stderr, /No pipeline "nothere": there is no \.lakehouse\/pipelines\/nothere\.json/);
  });
});
