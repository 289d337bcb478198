import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderError, UsageError } from '../../../src/cli/errors';
import { DeltaError } from '../../../src/delta/errors';

test('DeltaError: its stable code and message, exit 2', () => {
  const error = new DeltaError('DELTA_TABLE_NOT_FOUND', 'No Delta table at ./x (no _delta_log directory).');
  assert.deepEqual(renderError(error, {}), {
    message: 'error[DELTA_TABLE_NOT_FOUND]: No Delta table at ./x (no _delta_log directory).',
    exitCode: 2,
  });
});

test('usage errors point to the command help, exit 2', () => {
  assert.deepEqual(renderError(new UsageError('unknown option --bogus', 'scan'), {}), {
    message: "error[USAGE]: unknown option --bogus\nRun 'lakehouse scan --help' for usage.",
    exitCode: 2,
  });
  assert.equal(renderError(new UsageError('unknown command "scna"'), {}).message,
    "error[USAGE]: unknown command \"scna\"\nRun 'lakehouse --help' for usage.");
});

test('anything else is an internal error, exit 1, stack only with LAKEHOUSE_DEBUG=1', () => {
  const bug = new TypeError('Cannot read properties of undefined');
  assert.deepEqual(renderError(bug, {}), {
    message: 'error[INTERNAL]: Cannot read properties of undefined\n'
      + 'this is a bug, please report it (LAKEHOUSE_DEBUG=1 shows the stack trace)',
    exitCode: 1,
  });
  assert.deepEqual(renderError('thrown string', { LAKEHOUSE_DEBUG: '0' }), {
    message: 'error[INTERNAL]: thrown string\nthis is a bug, please report it (LAKEHOUSE_DEBUG=1 shows the stack trace)',
    exitCode: 1,
  });
  const debug = renderError(bug, { LAKEHOUSE_DEBUG: '1' }).message.split('\n');
  assert.deepEqual(debug.slice(0, 3), [
    'error[INTERNAL]: Cannot read properties of undefined',
    'this is a bug, please report it',
    'TypeError: Cannot read properties of undefined',
  ]);
  assert.match(debug[3], /^ {4}at .*errors\.test\.ts/);
});

test('with LAKEHOUSE_DEBUG=1 a DeltaError shows its stack and cause chain', () => {
  const cause = new Error('EACCES: permission denied');
  const error = new DeltaError('DELTA_IO_ERROR', 'Cannot read _delta_log.', { cause });
  const lines = renderError(error, { LAKEHOUSE_DEBUG: '1' }).message.split('\n');
  assert.equal(lines[0], 'error[DELTA_IO_ERROR]: Cannot read _delta_log.');
  assert.equal(lines[1], 'DeltaError: Cannot read _delta_log.');
  assert.ok(lines.includes('caused by:'));
  assert.equal(lines[lines.indexOf('caused by:') + 1], 'Error: EACCES: permission denied');
});

test('a cancelled operation exits 130', () => {
  const abort = new DOMException('This operation was aborted', 'AbortError');
  assert.deepEqual(renderError(abort, {}), { message: 'error[ABORTED]: the operation was cancelled', exitCode: 130 });
});
