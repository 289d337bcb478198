import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { checkGoldenTable, extractCorpus, listGoldenTables } from './goldenCorpus';

describe('golden Delta tables written by Spark', () => {
  let root = '';
  before(() => { root = extractCorpus(); });
  after(() => rmSync(root, { recursive: true, force: true }));
  for (const table of listGoldenTables()) {
    test(`${table.name} (kernel-rs: ${table.kernelRs})`, async () => {
      const outcome = await checkGoldenTable(root, table);
      assert.ok(outcome.ok, outcome.detail);
    });
  }
});
