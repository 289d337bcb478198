import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresCluster } from '../../helpers/postgresCluster';
import { ingestPostgresCdc } from '../../../src/ops/ingest/ingestPostgresCdc';
import { WORKLOAD_DDL } from '../postgres/workloadTable';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const cluster = (await startPostgresCluster())!;
try {
  const admin = await cluster.client();
  await admin.query(WORKLOAD_DDL);
  await admin.query(`INSERT INTO items (id, name, payload, qty) SELECT g, 'item ' || g, 'p' || g, g % 1000 FROM generate_series(1, 200000) g`);
  const target = join(mkdtempSync(join(tmpdir(), 'm-')), 't');
  await ingestPostgresCdc({ url: cluster.url, table: 'items', target, until: 'once' });
  for (let b = 0; b < 10; b++) {
    const ids = Array.from({ length: 2000 }, () => 1 + Math.floor(Math.random() * 200000));
    await admin.query(`UPDATE items SET name = name || '+' WHERE id = ANY('{${ids.join(',')}}')`);
  }
  const session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start');
  const t0 = Date.now();
  const r = await ingestPostgresCdc({ url: cluster.url, table: 'items', target, until: 'once', batching: { maxChanges: 2000 } });
  console.log(r.changes, r.commits, Date.now() - t0, 'ms');
  const { profile } = await session.post('Profiler.stop');
  const self = new Map<string, number>();
  const nodes = profile.nodes; const dt = profile.timeDeltas ?? []; const samples = profile.samples ?? [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  samples.forEach((id, i) => { const n = byId.get(id)!; const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); });
  console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${Math.round(v / 1000)}ms ${k}`).join('\n'));
  writeFileSync('/tmp/cdc.cpuprofile', JSON.stringify(profile));
} finally { await cluster.stop(); }
