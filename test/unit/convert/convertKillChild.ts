import { writeSync } from 'node:fs';
import { convertToDelta } from '../../../src/ops/convert/convertToDelta';

/**
 * Child process of convertResume.test.ts: converts the folder in argv[2] and, once argv[3]
 * footers are read, says so and freezes, so the parent can kill it with SIGKILL mid-run.
 */
const [dir, freezeAt] = process.argv.slice(2) as [string, string];
await convertToDelta(dir, {
  concurrency: 4,
  onProgress: (done) => {
    if (done !== Number(freezeAt)) return;
    writeSync(1, 'frozen\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  },
});
