import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCommit } from '../../../src/delta/commitReader';
import { commitPath } from '../../../src/delta/logFiles';
import { DeltaTable } from '../../../src/delta/table';
import { AUTO_COMPACT_PROPERTY, maybeAutoCompact } from '../../../src/ops/optimize/autoCompact';
import { tableRows, writeSmallFiles } from './optimizeTables';

test('auto-compaction compacts only partitions with many small files, and only when the table asks for it', async () => {
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-autocompact-'));
  try {
    const off = join(root, 'off');
    await writeSmallFiles(off, 12, 10);
    assert.equal(await maybeAutoCompact(off, { minNumFiles: 5 }), undefined, 'property not set: nothing happens');
    assert.equal((await (await DeltaTable.open(off)).snapshot()).fileCount, 12);

    const on = join(root, 'on');
    // Partition a gets 8 files, b gets 4.
    await writeSmallFiles(on, 12, 10, { parts: ['a', 'a', 'b'], partitioned: true, properties: { [AUTO_COMPACT_PROPERTY]: 'true' } });
    const before = await tableRows(on);
    const result = await maybeAutoCompact(on, { minNumFiles: 5 });
    assert.equal(result?.filesRemoved, 8);
    assert.equal(result?.filesAdded, 1);
    const table = await DeltaTable.open(on);
    const files = (await table.snapshot()).files();
    assert.equal(files.filter((f) => f.partitionValues.part === 'a').length, 1);
    assert.equal(files.filter((f) => f.partitionValues.part === 'b').length, 4);
    assert.deepEqual(await tableRows(on), before);
    const info = (await readCommit(table.store, commitPath(1)))[0]?.commitInfo;
    assert.equal(info?.operation, 'OPTIMIZE');
    assert.equal(info?.operationParameters?.auto, 'true', 'Spark writes operation parameters as strings');
    assert.equal(await maybeAutoCompact(on, { minNumFiles: 5 }), undefined, 'nothing left to do');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
