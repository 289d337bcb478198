import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDeltaError } from '../../../src/delta/errors';
import {
  defaultPipelineName, pipelineFileText, pipelineFromAnswers, pipelineNameProblem, qualifiedName, type IngestAnswers,
} from '../../../src/extension/connections/ingestAnswers';
import { parsePipeline } from '../../../src/ops/ingest/pipelineDefinition';
import { replicationSlotName } from '../../../src/ops/ingest/replicationSlotName';

const workspace = '/home/me/lake';
const base: IngestAnswers = {
  url: 'postgresql://app@db:5432/shop', table: 'public.orders', workspace, target: 'bronze/orders', mode: 'snapshot',
  primaryKey: ['id'], key: ['id'], partitionBy: [], name: 'public-orders',
};

test('snapshot answers make a definition with only what snapshot uses, the target relative to the workspace', () => {
  assert.deepEqual(pipelineFromAnswers({ ...base, partitionBy: ['region'], watermark: 'updated_at', key: ['id', 'x'] }), {
    source: 'postgres', url: 'postgresql://app@db:5432/shop', table: 'public.orders', to: 'bronze/orders', mode: 'snapshot', partitionBy: ['region'],
  });
  // An absolute target inside the workspace is stored relative; outside it stays absolute.
  assert.equal(pipelineFromAnswers({ ...base, target: join(workspace, 'orders') }).to, 'orders');
  assert.equal(pipelineFromAnswers({ ...base, target: '../elsewhere/orders' }).to, '/home/me/elsewhere/orders');
  assert.equal(pipelineFromAnswers({ ...base, target: '/data/orders' }).to, '/data/orders');
});

test('incremental answers keep the watermark, and the key only when it is not the primary key', () => {
  const onPrimaryKey = pipelineFromAnswers({ ...base, mode: 'incremental', watermark: 'updated_at', partitionBy: ['region'] });
  assert.deepEqual(onPrimaryKey, { source: 'postgres', url: base.url, table: 'public.orders', to: 'bronze/orders', mode: 'incremental', watermark: 'updated_at' });
  const ownKey = pipelineFromAnswers({ ...base, mode: 'incremental', watermark: 'seq', key: ['order_no', 'line'] });
  assert.deepEqual(ownKey.key, ['order_no', 'line']);
  assert.throws(() => pipelineFromAnswers({ ...base, mode: 'incremental' }), (e) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT') && /needs "watermark"/.test(e.message));
});

test('cdc answers name the slot explicitly, the same for the same pipeline and target, and run once by default', () => {
  const cdc = pipelineFromAnswers({ ...base, mode: 'cdc' });
  assert.equal(cdc.until, 'once');
  assert.equal(cdc.slot, replicationSlotName('public-orders', join(workspace, 'bronze/orders')));
  assert.match(cdc.slot ?? '', /^lakehouse_public_orders_[0-9a-f]{8}$/);
  assert.notEqual(replicationSlotName('public-orders', '/other/orders'), cdc.slot);
  assert.ok(replicationSlotName('x'.repeat(100), '/t').length <= 63);
  assert.equal(cdc.key, undefined);
  assert.equal(cdc.partitionBy, undefined);
});

test('the saved file holds no password and parses back to the same definition', () => {
  const definition = pipelineFromAnswers({ ...base, mode: 'cdc' });
  const text = pipelineFileText(definition);
  assert.ok(text.endsWith('}\n') && text.includes('\n  "mode": "cdc",\n'));
  assert.deepEqual(parsePipeline(text, 'x.json'), definition);
  assert.throws(() => pipelineFromAnswers({ ...base, url: 'postgresql://app:secret@db/shop' }), /holds a password/);
});

test('names: qualified like PostgreSQL resolves them, pipeline names valid as files', () => {
  assert.equal(qualifiedName('public', 'orders'), 'public.orders');
  assert.equal(qualifiedName('Sales', 'order "lines"'), '"Sales"."order ""lines"""');
  assert.equal(defaultPipelineName('public.orders'), 'public.orders');
  assert.equal(defaultPipelineName('"Sales"."Order Lines"'), 'Sales.Order-Lines');
  assert.equal(pipelineNameProblem(defaultPipelineName('"Sales"."Order Lines"')), undefined);
  assert.equal(defaultPipelineName('""'), 'pipeline');
  assert.match(pipelineNameProblem('-x') ?? '', /letters, digits/);
  assert.match(pipelineNameProblem('a/b') ?? '', /letters, digits/);
});
