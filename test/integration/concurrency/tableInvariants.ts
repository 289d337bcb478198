import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { readCommit } from '../../../src/delta/commitReader';
import { listCommits } from '../../../src/delta/commitTimestamps';
import { DeltaTable } from '../../../src/delta/table';

/**
 * Checks a table written by writerProcess.ts: versions contiguous from 0, every commit parses and
 * starts with commitInfo, every referenced file exists, and each appId's batches 0..txnVersion are
 * in the table exactly once. Returns the committed batch count per appId.
 */
export async function assertTableConsistent(dir: string, appIds: readonly string[]): Promise<Map<string, number>> {
  const table = await DeltaTable.open(dir);
  const snapshot = await table.snapshot();
  const commits = await listCommits(table.store);
  assert.deepEqual(commits.map((c) => c.version), Array.from({ length: snapshot.version + 1 }, (_, i) => i), 'versions are contiguous');
  for (const commit of commits) {
    const actions = await readCommit(table.store, commit.path);
    assert.ok(actions[0]?.commitInfo, `version ${commit.version} starts with commitInfo`);
  }
  const tokens = snapshot.files().flatMap((f) => (f.tags?.batches ?? '').split(',')).sort();
  const expected = appIds.flatMap((appId) => {
    const last = snapshot.txnVersion(appId);
    return last === undefined ? [] : Array.from({ length: last + 1 }, (_, i) => `${appId}:${i}`);
  }).sort();
  assert.deepEqual(tokens, expected, 'each committed batch is in the table exactly once');
  for (const file of snapshot.files()) await access(join(dir, file.path));
  return new Map(appIds.map((appId) => [appId, (snapshot.txnVersion(appId) ?? -1) + 1]));
}
