import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressReporter, progressLine } from '../../../src/cli/progress';

function terminal(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (chunk: string) => { writes.push(chunk); return true; } } };
}

test('progress line: bar, percentage, counts, message; unknown total shows the count', () => {
  assert.equal(progressLine(0, 4, 'reading'), '[--------------------]   0% 0/4 reading');
  assert.equal(progressLine(1, 4, 'part-1.parquet'), '[#####---------------]  25% 1/4 part-1.parquet');
  assert.equal(progressLine(4, 4, ''), '[####################] 100% 4/4');
  assert.equal(progressLine(7, 0, 'files listed'), '7 files listed');
});

test('draws in place on a TTY, throttled, and clears the line when finished', () => {
  const { writes, stream } = terminal(true);
  let clock = 1000;
  const report = createProgressReporter(stream, { now: () => clock, minIntervalMs: 100 });
  report(0, 3, 'a');
  clock += 50;
  report(1, 3, 'b'); // within 100 ms of the last draw: skipped
  clock += 60;
  report(2, 3, 'c');
  report(3, 3, 'done'); // the final state is never skipped
  assert.deepEqual(writes, [
    '\r[--------------------]   0% 0/3 a\x1b[K',
    '\r[#############-------]  66% 2/3 c\x1b[K',
    '\r\x1b[K',
  ]);
});

test('a long message is cut to the terminal width', () => {
  const { writes, stream } = terminal(true, 40);
  createProgressReporter(stream)(1, 2, 'x'.repeat(100));
  assert.equal(writes[0], `\r[##########----------]  50% 1/2 xxxxxx…\x1b[K`);
  assert.equal(Array.from(writes[0].slice(1, -3)).length, 39);
});

test('writes nothing when the stream is not a terminal', () => {
  const { writes, stream } = terminal(false);
  const report = createProgressReporter(stream);
  report(0, 2, 'a');
  report(2, 2, 'b');
  assert.deepEqual(writes, []);
});
