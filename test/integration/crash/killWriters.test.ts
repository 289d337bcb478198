import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLogFile } from '../../../src/delta/logFiles';
import { primitive } from '../../../src/delta/schema';
import { createTable } from '../../../src/delta/transaction/createTable';
import { assertTableConsistent } from '../concurrency/tableInvariants';
import { withTempDir } from '../../helpers/withTempDir';
import { WRITERS_TIMEOUT_MS } from '../concurrency/writersTimeout';

const WRITER = fileURLToPath(new URL('../concurrency/writerProcess.ts', import.meta.url));
const SCHEMA = { kind: 'struct' as const, fields: [
  { name: 'id', type: primitive('long'), nullable: true, metadata: {} },
  { name: 'part', type: primitive('string'), nullable: true, metadata: {} },
] };
const BATCHES = 16;
const ROUNDS = 6;

/**
 * Runs a writer and SIGKILLs it a random 0-40 ms after its first commit, which lands inside data
 * file writes, commits and checkpoints (the table checkpoints every 2 versions). Resolves with
 * whether the writer finished on its own first.
 */
function runAndKill(dir: string, appId: string, kill: boolean): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, appId, appId, String(BATCHES), '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let armed = false;
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.stdout.on('data', () => {
      if (!kill || armed) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), Math.random() * 40);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(false);
      else if (code === 0) resolve(true);
      else reject(new Error(`writer ${appId} failed with ${code}: ${err}`));
    });
  });
}

test('writers killed with SIGKILL mid-write, mid-commit and mid-checkpoint never leave a table that differs from its commits', { timeout: WRITERS_TIMEOUT_MS }, async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'], properties: { 'delta.checkpointInterval': '2' } });
    const appIds = ['k0', 'k1'];
    let kills = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const finished = await Promise.all(appIds.map((id) => runAndKill(dir, id, true)));
      kills += finished.filter((f) => !f).length;
      await assertTableConsistent(dir, appIds);
    }
    assert.ok(kills >= ROUNDS, `writers were killed (${kills} kills)`);
    // Restarted writers resume after their last committed batch (txn) and finish exactly once.
    await Promise.all(appIds.map((id) => runAndKill(dir, id, false)));
    const counts = await assertTableConsistent(dir, appIds);
    for (const id of appIds) assert.equal(counts.get(id), BATCHES);
    // Whatever a kill left in the log is a temp file that no reader takes for a log entry.
    const log = await readdir(join(dir, '_delta_log'));
    for (const name of log) {
      if (name === '_last_checkpoint') continue;
      assert.ok(parseLogFile(name) !== undefined || /^\.[0-9a-f-]{36}\.tmp$/.test(name), `unexpected log entry ${name}`);
    }
  });
});
