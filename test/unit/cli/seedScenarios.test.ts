import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tableChanges } from '../../../src/delta/changes/tableChanges';
import type { Snapshot } from '../../../src/delta/snapshot';
import { DeltaTable } from '../../../src/delta/table';
import { addSeedScenarios } from '../../../scripts/seedScenarios';

type Row = Record<string, unknown>;

async function rowsOf(snapshot: Snapshot): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of snapshot.scan().batches()) for (const row of batch) rows.push(row?.toJSON() as Row);
  return rows;
}

const sortedKeys = (rows: readonly Row[]): string[] => rows.map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).sort();
const parquetFiles = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet')).sort();

describe('the seed scenarios of the demo lakehouse (scripts/seedScenarios.ts, made by our CLI)', () => {
  let root = '';
  let paths: Awaited<ReturnType<typeof addSeedScenarios>>;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'seed-scenarios-'));
    paths = await addSeedScenarios(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('orders from PostgreSQL: the snapshot, then the captured changes merged by key, as the change feed shows', async () => {
    const table = await DeltaTable.open(paths.orders);
    const history = await table.history();
    assert.deepEqual(history.map((h) => h.operation).reverse(), ['CREATE TABLE', 'WRITE', 'ADD CONSTRAINT', 'MERGE']);
    const snapshotIds = (await rowsOf(await table.snapshot({ version: 1 }))).map((r) => Number(r.order_id)).sort((a, b) => a - b);
    assert.deepEqual(snapshotIds, Array.from({ length: 2_000 }, (_, i) => i + 1));

    const changes = await tableChanges(table, { fromVersion: 3 });
    const byType = new Map<string, Row[]>();
    for await (const batch of changes.batches()) {
      for (const row of batch) {
        const r = row?.toJSON() as Row;
        byType.set(String(r._change_type), [...byType.get(String(r._change_type)) ?? [], r]);
      }
    }
    const ids = (type: string): number[] => (byType.get(type) ?? []).map((r) => Number(r.order_id));
    assert.equal(ids('delete').length, 20);
    assert.equal(ids('insert').length, 150);
    assert.equal(ids('update_postimage').length, 100);
    assert.ok((byType.get('update_postimage') ?? []).every((r) => r.status === 'active'));

    const deleted = new Set(ids('delete'));
    const expected = [...snapshotIds.filter((id) => !deleted.has(id)), ...ids('insert')].sort((a, b) => a - b);
    const latest = await rowsOf(await table.snapshot());
    assert.deepEqual(latest.map((r) => Number(r.order_id)).sort((a, b) => a - b), expected);
    assert.ok(latest.every((r) => Number(r.amount) >= 0), 'the CHECK constraint holds');
  });

  test('the Snowflake offload: every CSV line is a row, typed as declared', async () => {
    const lines = readFileSync(paths.churnExport, 'utf8').trimEnd().split('\n');
    const snapshot = await (await DeltaTable.open(paths.churn)).snapshot();
    const types = Object.fromEntries(snapshot.schema.fields.map((f) => [f.name, f.type.kind === 'primitive' ? f.type.name : f.type.kind]));
    assert.equal(types.CHURNED, 'boolean');
    assert.equal(types.LAST_BILL_DATE, 'date');
    const rows = await rowsOf(snapshot);
    assert.equal(rows.length, lines.length - 1);
    const [, first] = lines;
    assert.equal(String(rows.find((r) => Number(r.CUSTOMER_ID) === 1)?.REGION), first?.split(',')[1]);
  });

  test('the Parquet lake stays plain Parquet; its converted copy keeps the files, then Z-order keeps the rows', async () => {
    assert.equal(existsSync(join(paths.rawOrders, '_delta_log')), false);
    const raw = parquetFiles(paths.rawOrders);
    assert.equal(raw.length, 24);
    const table = await DeltaTable.open(paths.ordersDelta);
    assert.deepEqual((await table.history()).map((h) => h.operation).reverse(), ['CONVERT', 'OPTIMIZE']);
    const converted = await table.snapshot({ version: 0 });
    const added = converted.files().map((f) => decodeURIComponent(f.path)).sort();
    assert.deepEqual(added, raw);
    for (const file of raw) assert.equal(statSync(join(paths.ordersDelta, file)).size, statSync(join(paths.rawOrders, file)).size);
    const before = await rowsOf(converted);
    const clustered = await table.snapshot();
    assert.equal(clustered.files().length, 4, 'one Z-ordered file per region');
    assert.equal(before.length, 12_000);
    assert.deepEqual(sortedKeys(await rowsOf(clustered)), sortedKeys(before));
  });

  test('the Kafka stream: one commit per micro-batch file, every message once', async () => {
    const batches = readdirSync(paths.falloutBatches).sort();
    const messages = batches.flatMap((b) => readFileSync(join(paths.falloutBatches, b), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Row));
    const table = await DeltaTable.open(paths.fallouts);
    const snapshot = await table.snapshot();
    assert.equal(snapshot.version, batches.length - 1);
    assert.equal(snapshot.files().length, batches.length);
    const rows = await rowsOf(snapshot);
    assert.deepEqual(rows.map((r) => Number(r.kafka_offset)).sort((a, b) => a - b), messages.map((m) => Number(m.kafka_offset)).sort((a, b) => a - b));
    assert.ok(relative(root, paths.fallouts) === 'order_fallouts');
  });
});
