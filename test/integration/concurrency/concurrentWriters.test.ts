import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { primitive } from '../../../src/delta/schema';
import { createTable } from '../../../src/delta/transaction/createTable';
import { assertTableConsistent } from './tableInvariants';
import { withTempDir } from '../../helpers/withTempDir';
import { WRITERS_TIMEOUT_MS } from './writersTimeout';

const WRITER = fileURLToPath(new URL('./writerProcess.ts', import.meta.url));
const SCHEMA = { kind: 'struct' as const, fields: [
  { name: 'id', type: primitive('long'), nullable: true, metadata: {} },
  { name: 'part', type: primitive('string'), nullable: true, metadata: {} },
] };

interface Line { appId: string; batch: number; version?: number; attempts?: number; conflict?: string; ready?: boolean }

/**
 * Starts one writer per argument list and lets them all go at once (after every process has
 * loaded), so their commits really overlap even on a slow, busy machine.
 */
async function runWritersTogether(dir: string, argLists: string[][]): Promise<Line[]> {
  const goFile = join(dir, '..', `${basename(dir)}.go`);
  let ready = 0;
  let release: () => void = () => undefined;
  const allReady = new Promise<void>((resolve) => { release = resolve; });
  const runs = argLists.map((args) => runWriter([...args, goFile], () => {
    if (++ready === argLists.length) release();
  }));
  await Promise.race([allReady, Promise.all(runs)]);
  await writeFile(goFile, '');
  try {
    return (await Promise.all(runs)).flat();
  } finally {
    await rm(goFile, { force: true });
  }
}

function runWriter(args: string[], onReady: () => void): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (!out.includes('"ready"') && `${out}${chunk.toString()}`.includes('"ready"')) onReady();
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`writer ${args.join(' ')} exited with ${code}: ${err}`));
      else resolve(out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line).filter((l) => !l.ready));
    });
  });
}

const WRITERS = 8;
const BATCHES = 8;

test(`${WRITERS} processes appending and merging into their own partitions: every batch once, versions contiguous`, { timeout: WRITERS_TIMEOUT_MS }, async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'], properties: { 'delta.checkpointInterval': '10' } });
    const appIds = Array.from({ length: WRITERS }, (_, i) => `w${i}`);
    const lines = await runWritersTogether(dir, appIds.map((id) => [dir, id, id, String(BATCHES), '4']));
    const commits = lines.filter((l) => l.version !== undefined);
    // Each writer has its own partition and appId: no conflict is real, so every one is retried away.
    assert.deepEqual(lines.filter((l) => l.conflict), []);
    assert.deepEqual(commits.map((l) => l.version).sort((a, b) => (a ?? 0) - (b ?? 0)), Array.from({ length: WRITERS * BATCHES }, (_, i) => i + 1));
    assert.ok(commits.some((l) => (l.attempts ?? 1) > 1), 'writers raced: some commits were rebased');
    const counts = await assertTableConsistent(dir, appIds);
    for (const id of appIds) assert.equal(counts.get(id), BATCHES);
  });
});

test('writers rewriting one shared partition get real conflicts reported, and the table stays exact', { timeout: WRITERS_TIMEOUT_MS }, async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'], properties: { 'delta.checkpointInterval': '10' } });
    const appIds = ['s0', 's1', 's2', 's3'];
    // Every batch rewrites the whole shared partition: overlapping rewrites remove each other's reads.
    const lines = await runWritersTogether(dir, appIds.map((id) => [dir, 'shared', id, '8', '1']));
    const conflicts = lines.filter((l) => l.conflict);
    assert.ok(conflicts.length > 0, 'concurrent rewrites of one partition conflicted');
    assert.ok(conflicts.every((l) => ['concurrentAppend', 'concurrentDeleteRead', 'concurrentDeleteDelete'].includes(l.conflict ?? '')));
    const counts = await assertTableConsistent(dir, appIds);
    for (const id of appIds) assert.equal(counts.get(id), 8);
  });
});
