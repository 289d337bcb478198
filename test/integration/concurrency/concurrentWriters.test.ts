import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { primitive } from '../../../src/delta/schema';
import { createTable } from '../../../src/delta/transaction/createTable';
import { withTempDir } from '../../unit/transaction/fixtures';
import { assertTableConsistent } from './tableInvariants';

const WRITER = fileURLToPath(new URL('./writerProcess.ts', import.meta.url));
const SCHEMA = { kind: 'struct' as const, fields: [
  { name: 'id', type: primitive('long'), nullable: true, metadata: {} },
  { name: 'part', type: primitive('string'), nullable: true, metadata: {} },
] };

interface Line { appId: string; batch: number; version?: number; attempts?: number; conflict?: string }

function runWriter(args: string[]): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`writer ${args.join(' ')} exited with ${code}: ${err}`));
      else resolve(out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line));
    });
  });
}

const WRITERS = 8;
const BATCHES = 12;

test(`${WRITERS} processes appending and merging into their own partitions: every batch once, versions contiguous`, { timeout: 60_000 }, async () => {
  await withTempDir(async (dir) => {
    await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'], properties: { 'delta.checkpointInterval': '10' } });
    const startAt = Date.now() + 2000;
    const appIds = Array.from({ length: WRITERS }, (_, i) => `w${i}`);
    const lines = (await Promise.all(appIds.map((id) => runWriter([dir, id, id, String(BATCHES), String(startAt)])))).flat();
    const commits = lines.filter((l) => l.version !== undefined);
    // Each writer has its own partition and appId: no conflict is real, so every one is retried away.
    assert.deepEqual(lines.filter((l) => l.conflict), []);
    assert.deepEqual(commits.map((l) => l.version).sort((a, b) => (a ?? 0) - (b ?? 0)), Array.from({ length: WRITERS * BATCHES }, (_, i) => i + 1));
    assert.ok(commits.some((l) => (l.attempts ?? 1) > 1), 'writers raced: some commits were rebased');
    const counts = await assertTableConsistent(dir, appIds);
    for (const id of appIds) assert.equal(counts.get(id), BATCHES);
  });
});

test('writers rewriting one shared partition get real conflicts reported, and the table stays exact', { timeout: 60_000 }, async () => {
  await withTempDir(async (dir) => {
    await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'], properties: { 'delta.checkpointInterval': '10' } });
    const startAt = Date.now() + 2000;
    const appIds = ['s0', 's1', 's2', 's3'];
    const lines = (await Promise.all(appIds.map((id) => runWriter([dir, 'shared', id, '8', String(startAt)])))).flat();
    const conflicts = lines.filter((l) => l.conflict);
    assert.ok(conflicts.length > 0, 'concurrent rewrites of one partition conflicted');
    assert.ok(conflicts.every((l) => ['concurrentAppend', 'concurrentDeleteRead', 'concurrentDeleteDelete'].includes(l.conflict ?? '')));
    const counts = await assertTableConsistent(dir, appIds);
    for (const id of appIds) assert.equal(counts.get(id), 8);
  });
});
