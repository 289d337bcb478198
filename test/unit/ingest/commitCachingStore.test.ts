import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeltaTable } from '../../../src/delta/table';
import { writeTable } from '../../../src/delta/write/writeTable';
import { CommitCachingStore } from '../../../src/ops/ingest/commitCachingStore';
import { batchesOf, withTempTable } from '../write/helpers';

const rows = (from: number): ReturnType<typeof batchesOf> => batchesOf({ id: BigInt64Array.of(BigInt(from), BigInt(from + 1)) });

test('CommitCachingStore reads each commit file once, and never holds other files', async () => {
  await withTempTable(async (dir) => {
    const store = new CommitCachingStore(dir);
    await writeTable(store, rows(0));
    await writeTable(store, rows(2), { mode: 'append' });
    const first = await (await DeltaTable.open(store)).snapshot();
    assert.equal(first.version, 1);
    assert.equal(store.size, 2);

    // A held commit is served from memory: reading this file again would fail on its garbled bytes.
    await writeFile(join(dir, '_delta_log', '00000000000000000000.json'), 'not json\n');
    await writeTable(store, rows(4), { mode: 'append' });
    const second = await (await DeltaTable.open(store)).snapshot();
    assert.equal(second.version, 2);
    assert.equal(second.files().length, 3);
    assert.equal(store.size, 3);
    await assert.rejects(async () => (await DeltaTable.open(dir)).snapshot(), /corrupt/, 'read from disk, the garbled commit fails');

    // Anything else is read from disk every time.
    await writeFile(join(dir, 'note.txt'), 'a');
    assert.equal(new TextDecoder().decode(await store.get('note.txt')), 'a');
    await writeFile(join(dir, 'note.txt'), 'b');
    assert.equal(new TextDecoder().decode(await store.get('note.txt')), 'b');
    assert.equal(store.size, 3);
  });
});

test('CommitCachingStore drops its oldest commits beyond its byte budget', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows(0));
    await writeTable(dir, rows(2), { mode: 'append' });
    const sizes = await Promise.all([0, 1].map(async (v) => (await stat(join(dir, '_delta_log', `${String(v).padStart(20, '0')}.json`))).size));
    const store = new CommitCachingStore(dir, Math.max(...sizes));
    assert.equal((await (await DeltaTable.open(store)).snapshot()).version, 1);
    assert.equal(store.size, 1, 'the two commits are over the budget: one is held');
  });
});
