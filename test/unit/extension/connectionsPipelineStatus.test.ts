import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tableFromArrays } from 'apache-arrow';
import { parseLsn } from '../../../src/connectors/postgres/lsn';
import { primitive } from '../../../src/delta/schema';
import { createTable } from '../../../src/delta/transaction/createTable';
import { writeTable } from '../../../src/delta/write/writeTable';
import { pipelineStatus, readTableFacts } from '../../../src/extension/pipelines/pipelineStatus';
import { applyKeyedChanges } from '../../../src/ops/ingest/applyKeyedChanges';
import { WATERMARK_DOMAIN_PREFIX } from '../../../src/ops/ingest/ingestPostgresIncremental';
import type { LoadedPipeline, PipelineDefinition } from '../../../src/ops/ingest/pipelineDefinition';

function rows(ids: number[]) {
  return tableFromArrays({ id: Int32Array.from(ids), name: ids.map((i) => `n${i}`) }).batches;
}

function loaded(dir: string, definition: Partial<PipelineDefinition>): LoadedPipeline {
  return {
    name: 'orders', file: join(dir, '.lakehouse/pipelines/orders.json'), workspace: dir,
    definition: { source: 'postgres', url: 'postgresql://app@db:5432/shop', table: 'public.orders', to: join(dir, 'orders'), mode: 'snapshot', ...definition },
  };
}

test('cdc status: the LSN is the txn version of the pipeline\'s slot; rows/s from the table\'s commits', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lakehouse-pipeline-status-'));
  try {
    const pipeline = loaded(dir, { mode: 'cdc', slot: 'lakehouse_orders_1234abcd', until: 'once' });
    assert.equal(await readTableFacts(pipeline), null);
    const none = pipelineStatus(pipeline, null, undefined, 0);
    assert.deepEqual(none.position, { kind: 'none', reason: 'the Delta table does not exist yet' });
    assert.equal(none.tableVersion, null);

    const target = pipeline.definition.to;
    await writeTable(target, rows([1, 2, 3]), { mode: 'overwrite', txn: { appId: 'lakehouse_orders_1234abcd', version: parseLsn('0/16B3748') } });
    await writeTable(target, rows([4, 5]), { txn: { appId: 'other_slot', version: parseLsn('5/0') } });
    await applyKeyedChanges(target, { upserts: rows([6, 7, 8, 9]), deletes: [] }, {
      key: ['id'], txn: { appId: 'lakehouse_orders_1234abcd', version: parseLsn('1/A0') }, operation: 'MERGE',
    });
    const facts = await readTableFacts(pipeline);
    assert.ok(facts);
    assert.equal(facts.version, 2);
    assert.deepEqual(facts.position, { kind: 'lsn', lsn: '1/A0', slot: 'lakehouse_orders_1234abcd' });
    assert.deepEqual(facts.recent.map((c) => [c.version, c.rows]), [[2, 4], [1, 2], [0, 3]]);

    const status = pipelineStatus(pipeline, facts, undefined, Date.now());
    assert.equal(status.state, 'idle');
    assert.equal(status.canFollow, true);
    assert.equal(status.source, 'postgresql://app@db:5432/shop · public.orders');
    const span = (facts.recent[0]!.timestamp - facts.recent[2]!.timestamp) / 1000;
    if (span > 0) {
      assert.equal(status.rowsPerSecond, 6 / span);
      assert.equal(status.rowsPerSecondBasis, 'versions 0–2 of the table');
    } else {
      assert.equal(status.rowsPerSecond, null);
    }
    // Without a slot name (the engine's default), the table's one lakehouse_ slot txn is the position.
    const unnamed = await readTableFacts(loaded(dir, { mode: 'cdc' }));
    assert.deepEqual(unnamed?.position, { kind: 'lsn', lsn: '1/A0', slot: 'lakehouse_orders_1234abcd' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('incremental status: the watermark is read from the engine\'s domain metadata', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lakehouse-pipeline-status-'));
  try {
    const pipeline = loaded(dir, { mode: 'incremental', watermark: 'updated_at' });
    const target = pipeline.definition.to;
    await createTable(target, {
      schema: { kind: 'struct', fields: [{ name: 'id', type: primitive('integer'), nullable: true, metadata: {} }, { name: 'name', type: primitive('string'), nullable: true, metadata: {} }] },
      properties: { 'delta.feature.domainMetadata': 'supported' },
    });
    assert.deepEqual((await readTableFacts(pipeline))?.position, { kind: 'none', reason: 'no watermark stored yet' });
    const appId = 'pg:shop/public.orders';
    await applyKeyedChanges(target, { upserts: rows([1, 2]), deletes: [] }, {
      key: ['id'], txn: { appId, version: 1 }, operation: 'MERGE',
      domain: { name: `${WATERMARK_DOMAIN_PREFIX}${appId}`, configuration: JSON.stringify({ column: 'updated_at', value: '2026-11-26 09:00:00+00', pgType: 'timestamptz' }) },
    });
    const facts = await readTableFacts(pipeline);
    assert.deepEqual(facts?.position, { kind: 'watermark', column: 'updated_at', value: '2026-11-26 09:00:00+00' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a run in flight or just finished: its state, measured rate, lag and error win over the log', () => {
  const pipeline = loaded('/w', { mode: 'cdc', slot: 's', until: 'once' });
  const facts = { version: 7, lastCommitAt: 1000, position: { kind: 'lsn' as const, lsn: '0/10', slot: 's' }, recent: [] };
  const following = pipelineStatus(pipeline, facts, { state: 'following', startedAt: 10_000, rows: 3000, lagMs: 420 }, 12_000);
  assert.equal(following.state, 'following');
  assert.equal(following.rowsPerSecond, 1500);
  assert.equal(following.rowsPerSecondBasis, 'this run so far');
  assert.equal(following.lagMs, 420);
  assert.equal(following.lastError, null);
  const finished = pipelineStatus(pipeline, facts, { state: 'finished', startedAt: 0, finishedAt: 4000, rows: 1000, summary: 'done' }, 99_000);
  assert.deepEqual([finished.state, finished.rowsPerSecond, finished.rowsPerSecondBasis, finished.lastRun], ['idle', 250, 'last run', 'done']);
  const failed = pipelineStatus(pipeline, facts, { state: 'failed', startedAt: 0, finishedAt: 10, rows: 0, error: 'Replication slot "s" no longer exists' }, 20);
  assert.equal(failed.lastError, 'Replication slot "s" no longer exists');
  assert.equal(failed.rowsPerSecond, null);
  assert.equal(pipelineStatus(loaded('/w', {}), null, undefined, 0).canFollow, false);
});
