import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { commitPath } from '../../../src/delta/logFiles';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { updateRows } from '../../../src/delta/write/updateRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { batchesOf, tempTableDir } from '../write/helpers';
import { runCliCaptured } from '../../helpers/runCliCaptured';

const rows = (ids: number[]): ReturnType<typeof batchesOf> => batchesOf({ id: BigInt64Array.from(ids.map(BigInt)), name: ids.map((id) => `n${id}`) });

test('lakehouse changes: rows as NDJSON with the change columns, counts with --json, refused before CDF', async () => {
  const { dir, cleanup } = await tempTableDir();
  try {
    await writeTable(dir, rows([1, 2]));
    await writeTable(dir, rows([3]));
    const refused = await runCliCaptured(['changes', dir, '--from', '0']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /DELTA_CHANGE_DATA_NOT_RECORDED.*version 0/);

    const { dir: cdf, cleanup: cleanupCdf } = await tempTableDir();
    try {
      await writeTable(cdf, rows([1, 2]), { properties: { 'delta.enableChangeDataFeed': 'true' } });
      await updateRows(cdf, { name: "'x'" }, { where: 'id = 1' });
      await deleteRows(cdf, 'id = 2');
      const ndjson = await runCliCaptured(['changes', cdf, '--from', '1', '--to', '2', '--format', 'ndjson']);
      assert.equal(ndjson.code, 0, ndjson.stderr);
      const lines = ndjson.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(lines.map((l) => Object.keys(l)), Array(3).fill(['id', 'name', '_change_type', '_commit_version', '_commit_timestamp']));
      assert.deepEqual(lines.map((l) => `${l._commit_version} ${l._change_type} ${l.id} ${l.name}`).sort(),
        ['1 update_postimage 1 x', '1 update_preimage 1 n1', '2 delete 2 n2']);
      const counts = await runCliCaptured(['changes', cdf, '--from', '0', '--json']);
      assert.deepEqual(JSON.parse(counts.stdout), {
        fromVersion: 0, toVersion: 2,
        versions: [{ version: 0, insert: 2 }, { version: 1, update_preimage: 1, update_postimage: 1 }, { version: 2, delete: 1 }],
      });
    } finally {
      await cleanupCdf();
    }
  } finally {
    await cleanup();
  }
});

test('lakehouse changes --starting-timestamp/--ending-timestamp: versions by commit time; a start is required once', async () => {
  const { dir, cleanup } = await tempTableDir();
  try {
    await writeTable(dir, rows([1]), { properties: { 'delta.enableChangeDataFeed': 'true' } });
    await writeTable(dir, rows([2]));
    await writeTable(dir, rows([3]));
    const base = Date.UTC(2026, 2, 1, 12);
    for (const v of [0, 1, 2]) await utimes(join(dir, commitPath(v)), (base + v * 60_000) / 1000, (base + v * 60_000) / 1000);
    const counts = await runCliCaptured(['changes', dir, '--starting-timestamp', '2026-03-01T12:00:30Z', '--ending-timestamp', '2026-03-01T13:01:30+01:00', '--json']);
    assert.equal(counts.code, 0, counts.stderr);
    assert.deepEqual(JSON.parse(counts.stdout), { fromVersion: 1, toVersion: 1, versions: [{ version: 1, insert: 1 }] });
    const late = await runCliCaptured(['changes', dir, '--starting-timestamp', '2026-03-01T12:05:00Z']);
    assert.equal(late.code, 2);
    assert.match(late.stderr, /DELTA_TIMESTAMP_OUT_OF_RANGE.*2026-03-01T12:05:00\.000Z is after the table's latest version \(committed 2026-03-01T12:02:00\.000Z\)/);
    const neither = await runCliCaptured(['changes', dir]);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /--from N or --starting-timestamp ISO/);
    const both = await runCliCaptured(['changes', dir, '--from', '0', '--starting-timestamp', '2026-03-01']);
    assert.equal(both.code, 2);
  } finally {
    await cleanup();
  }
});
