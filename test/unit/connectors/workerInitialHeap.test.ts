import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { withInitialHeap } from '../../../src/connectors/postgres/workerInitialHeap';

const idle = (): Worker => new Worker('require("node:worker_threads").parentPort.once("message", () => process.exit(0));', { eval: true });

test('the initial heap flag is set while workers start and put back once the last one is online', async () => {
  const flags: string[] = [];
  const setFlags = (value: string): void => { flags.push(value); };
  const first = withInitialHeap(64, idle, setFlags);
  const second = withInitialHeap(64, idle, setFlags);
  assert.deepEqual(flags, ['--initial-heap-size=64', '--initial-heap-size=64']);
  await Promise.all([first, second].map((worker) => new Promise((resolve) => worker.once('online', resolve))));
  // Put back once, after both isolates exist: to V8's default, as this node was started without the flag.
  assert.deepEqual(flags, ['--initial-heap-size=64', '--initial-heap-size=64', '--initial-heap-size=0']);
  for (const worker of [first, second]) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  }
  assert.equal(flags.length, 3);
});

test('a worker that fails to start puts the flag back at once', () => {
  const flags: string[] = [];
  assert.throws(() => withInitialHeap(64, () => { throw new Error('no bundle'); }, (value) => { flags.push(value); }), /no bundle/);
  assert.deepEqual(flags, ['--initial-heap-size=64', '--initial-heap-size=0']);
});

test('under Electron (whose V8 may have frozen its flags) the worker starts without touching them', async () => {
  const flags: string[] = [];
  const worker = withInitialHeap(64, idle, (value) => { flags.push(value); }, { ...process.versions, electron: '37.0.0' });
  await new Promise((resolve) => worker.once('online', resolve));
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.postMessage('stop');
  await exited;
  assert.deepEqual(flags, []);
});
