import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { followReporters } from '../../../src/cli/commands/pipelineReport';

test('cdc --follow prints each commit and each reconnect attempt on stderr, nothing on stdout', async () => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const err: Buffer[] = [];
  const out: Buffer[] = [];
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  const report = followReporters({ stdout, stderr, stdoutIsTTY: false, stderrIsTTY: false, signal: new AbortController().signal });
  report.onCommit?.({ version: 7, lsn: '0/16B3748', changes: 120, lagMs: 850, sourceTransactions: [] });
  report.onReconnect?.({ delayMs: 500, reason: 'terminating connection due to administrator command' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(Buffer.concat(err).toString().split('\n'), [
    'version 7: 120 changes up to LSN 0/16B3748, lag 850 ms',
    'connection lost (terminating connection due to administrator command); reconnecting in 500 ms',
    '',
  ]);
  assert.equal(Buffer.concat(out).length, 0);
});
