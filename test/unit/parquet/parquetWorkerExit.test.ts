import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('a process that used the Parquet worker pool exits on its own: finished, aborted and abandoned encodes, dropped decodes and a prestarted idle worker leave nothing holding it', async () => {
  const child = fileURLToPath(new URL('./poolExitChild.ts', import.meta.url));
  // If a worker kept the process alive it would never exit: the timeout (generous for a loaded machine) fails the test.
  const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve, reject) => {
    const run = execFile(process.execPath, ['--import', 'tsx', child], { timeout: 240_000 }, (error, out) => {
      if (error && error.killed) reject(new Error(`the process did not exit within 240 s: ${out}`));
      else resolve({ stdout: out, code: run.exitCode });
    });
  });
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout.trim()), { rows: 1000, dropped: 'stopped', decoded: 1000 });
});
