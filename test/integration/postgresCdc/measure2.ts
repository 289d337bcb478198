import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresCluster } from '../../helpers/postgresCluster';
import { ingestPostgresCdc } from '../../../src/ops/ingest/ingestPostgresCdc';
import { deltaItems, sourceItems, WORKLOAD_DDL } from '../postgres/workloadTable';
import { createTable } from '../../../src/delta/transaction/createTable';
import { describePgSource } from '../../../src/connectors/postgres/pgSourceSchema';
const dv = process.argv[2] === 'dv';
const rate = Number(process.argv[3] ?? 5000);
const cluster = (await startPostgresCluster())!;
try {
  const admin = await cluster.client();
  await admin.query(WORKLOAD_DDL);
  await admin.query(`INSERT INTO items (id, name, payload, qty) SELECT g, 'item ' || g, 'p' || g, g % 1000 FROM generate_series(1, 200000) g`);
  const target = join(mkdtempSync(join(tmpdir(), 'm-')), 't');
  if (dv) await createTable(target, { schema: (await describePgSource(admin, { table: 'items' })).deltaSchema, properties: { 'delta.enableDeletionVectors': 'true' } });
  await ingestPostgresCdc({ url: cluster.url, table: 'items', target, until: 'once' });
  const writer = await cluster.client();
  let stop = false; let sent = 0; let next = 1_000_000;
  const t0 = Date.now();
  const load = (async () => {
    while (!stop) {
      const due = ((Date.now() - t0) / 1000) * rate;
      if (sent >= due) { await new Promise((r) => setTimeout(r, 5)); continue; }
      const ids = Array.from({ length: 50 }, () => 1 + Math.floor(Math.random() * 200000));
      await writer.query(`BEGIN; UPDATE items SET name = name || '+' WHERE id = ANY('{${ids.join(',')}}'); INSERT INTO items (id, name) SELECT g, 'n' FROM generate_series(${next}, ${next + 49}) g; COMMIT`);
      next += 50; sent += 100;
    }
  })();
  const controller = new AbortController();
  const lags: number[] = [];
  let applied = 0;
  const follow = ingestPostgresCdc({ url: cluster.url, table: 'items', target, until: 'follow', signal: controller.signal, onCommit: (c) => { lags.push(c.lagMs); applied += c.changes; } });
  await new Promise((r) => setTimeout(r, 15000));
  stop = true; await load;
  const elapsed = (Date.now() - t0) / 1000;
  controller.abort(); await follow;
  lags.sort((a, b) => a - b);
  console.log(JSON.stringify({ dv, targetRate: rate, offered: Math.round(sent / elapsed), appliedPerS: Math.round(applied / elapsed), commits: lags.length, lagP50: lags[Math.floor(lags.length / 2)], lagMax: lags.at(-1) }));
  await ingestPostgresCdc({ url: cluster.url, table: 'items', target, until: 'once' });
  const a = await deltaItems(target); const b = await sourceItems(admin);
  console.log('equal', JSON.stringify(a) === JSON.stringify(b), a.length);
} finally { await cluster.stop(); }
