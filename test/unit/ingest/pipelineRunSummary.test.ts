import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pipelineRunSummary } from '../../../src/ops/ingest/pipelineRunSummary';
import type { PipelineRunResult } from '../../../src/ops/ingest/runPipeline';
import { counted } from '../../../src/util/counted';

const cdc = (changes: number, commits: number, snapshot?: { version: number; rows: number; lsn: string }): PipelineRunResult => ({
  mode: 'cdc',
  result: { slot: 'lakehouse_s', publication: 'p', publicationCreated: false, replicaIdentityChanged: false, commits, changes, lsn: '0/16B3748', ...(snapshot ? { snapshot } : {}) },
});

test('counted picks the noun for the number, an irregular plural when given', () => {
  assert.equal(counted(0, 'row'), '0 rows');
  assert.equal(counted(1, 'row'), '1 row');
  assert.equal(counted(2, 'entry', 'entries'), '2 entries');
});

test('a cdc run reads in the singular for one change in one commit, and names the target when given', () => {
  assert.equal(pipelineRunSummary(cdc(1, 1)), '1 change in 1 commit; the table is up to date with LSN 0/16B3748 (slot lakehouse_s).');
  assert.equal(pipelineRunSummary(cdc(4, 2, { version: 0, rows: 300, lsn: '0/1000' }), 'lake/events'),
    'Snapshot of 300 rows at LSN 0/1000 (version 0), then 4 changes in 2 commits; lake/events is up to date with LSN 0/16B3748 (slot lakehouse_s).');
});

test('snapshot and incremental lines: files only beside a named target, the unchanged case said plainly', () => {
  const snapshot: PipelineRunResult = { mode: 'snapshot', result: { version: 3, rows: 1, filesAdded: 1, bytesAdded: 10, transfer: 'select', primaryKey: [] } };
  assert.equal(pipelineRunSummary(snapshot), 'Copied 1 row as version 3; read by SELECT (the server has no COPY TO or WAL position).');
  assert.equal(pipelineRunSummary(snapshot, 't'), 'Copied 1 row into t as version 3 (1 file); read by SELECT (the server has no COPY TO or WAL position).');
  const none: PipelineRunResult = { mode: 'incremental', result: { rows: 0, from: '7', to: '7', appId: 'a', key: ['id'] } };
  assert.equal(pipelineRunSummary(none, 't'), 'No row is past the watermark 7; t is unchanged.');
  const merged: PipelineRunResult = { mode: 'incremental', result: { version: 2, rows: 5, from: null, to: '9', appId: 'a', key: ['id'] } };
  assert.equal(pipelineRunSummary(merged), 'Merged 5 rows as version 2; watermark (start) → 9.');
});
