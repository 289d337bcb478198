import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tableFromArrays } from 'apache-arrow';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { updateRows } from '../../../src/delta/write/updateRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { diffRows } from '../../../src/ops/diff/diffRows';
import { diffTableVersions } from '../../../src/ops/diff/diffTableVersions';
import { versionText } from '../../../src/ops/diff/versionText';

const dir = mkdtempSync(join(tmpdir(), 'diff-rows-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** v0: ids 0..9 with name n<id>; v1: +10,11; v2: id<3 deleted; v3: id 5,6 renamed. */
async function history(): Promise<string> {
  const location = join(dir, `t${Math.random().toString(36).slice(2)}`);
  const rows = (from: number, to: number) => tableFromArrays({
    id: Int32Array.from({ length: to - from }, (_, i) => from + i),
    name: Array.from({ length: to - from }, (_, i) => `n${from + i}`),
  }).batches;
  await writeTable(location, rows(0, 10));
  await writeTable(location, rows(10, 12));
  await deleteRows(location, 'id < 3');
  await updateRows(location, { name: "'renamed'" }, { where: 'id = 5 OR id = 6' });
  return location;
}

test('by key: added, removed and changed rows with the columns that changed', async () => {
  const location = await history();
  const { rows } = await diffTableVersions(location, 0, 3, { key: ['id'] });
  assert.deepEqual(rows.counts, { added: 2, removed: 3, changed: 2, unchanged: 5 });
  assert.deepEqual(rows.added.map((r) => r.id).sort(), [10, 11]);
  assert.deepEqual(rows.removed.map((r) => r.id).sort(), [0, 1, 2]);
  const changed = rows.changed.sort((a, b) => Number(a.key.id) - Number(b.key.id));
  assert.deepEqual(changed.map((c) => [c.key.id, c.before.name, c.after.name, c.changedColumns]),
    [[5, 'n5', 'renamed', ['name']], [6, 'n6', 'renamed', ['name']]]);
  assert.equal(rows.truncated, false);
});

test('whole rows: a changed row is one removed and one added; duplicates count as a multiset', async () => {
  const location = await history();
  const table = await DeltaTable.open(location);
  const diff = await diffRows(await table.snapshot({ version: 2 }), await table.snapshot({ version: 3 }));
  assert.deepEqual(diff.counts, { added: 2, removed: 2, changed: 0, unchanged: 7 });
  assert.deepEqual(diff.added.map((r) => r.name), ['renamed', 'renamed']);

  const dup = join(dir, 'dup');
  const twice = tableFromArrays({ id: Int32Array.of(1, 1, 2), name: ['a', 'a', 'b'] }).batches;
  await writeTable(dup, twice);
  await deleteRows(dup, 'id = 2');
  const dupTable = await DeltaTable.open(dup);
  const dupDiff = await diffRows(await dupTable.snapshot({ version: 0 }), await dupTable.snapshot({ version: 1 }));
  assert.deepEqual(dupDiff.counts, { added: 0, removed: 1, changed: 0, unchanged: 2 });
  await assert.rejects(diffRows(await dupTable.snapshot({ version: 0 }), await dupTable.snapshot({ version: 1 }), { key: ['id'] }),
    (error) => isDeltaError(error, 'DELTA_INVALID_ARGUMENT') && /appears more than once in version 0/.test(error.message));
});

test('limits: lists are cut but counts stay exact; a side above maxRows is refused', async () => {
  const location = await history();
  const { rows } = await diffTableVersions(location, 0, 3, { key: ['id'], maxListed: 1 });
  assert.deepEqual(rows.counts, { added: 2, removed: 3, changed: 2, unchanged: 5 });
  assert.deepEqual([rows.added.length, rows.removed.length, rows.changed.length, rows.truncated], [1, 1, 1, true]);
  await assert.rejects(diffTableVersions(location, 0, 3, { key: ['id'], maxRows: 5 }), (error) => isDeltaError(error, 'DELTA_DIFF_TOO_LARGE'));
  await assert.rejects(diffTableVersions(location, 0, 3, { key: ['nope'] }), (error) => isDeltaError(error, 'DELTA_INVALID_ARGUMENT'));
});

test('version text shows schema and property changes line by line', async () => {
  const location = await history();
  const table = await DeltaTable.open(location);
  const text = versionText(await table.snapshot({ version: 0 }));
  assert.match(text, /^# Version 0\n/);
  assert.match(text, /\nid: integer\n/);
  assert.match(text, /\nname: string\n/);
  assert.match(text, /## Properties\n\n/);
});
