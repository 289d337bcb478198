import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandUsage, defineCommand, parseCommand, parseIsoTimestamp } from '../../../src/cli/args';
import { UsageError } from '../../../src/cli/errors';

const scan = defineCommand({
  name: 'scan',
  summary: 'Print the rows of a Delta table.',
  positionals: [{ name: 'table', description: 'Path of the Delta table' }],
  options: {
    version: { type: 'integer', short: 'v', min: 0, description: 'Read the table as of this version' },
    timestamp: { type: 'timestamp', description: 'Read the table as of this time' },
    columns: { type: 'list', description: 'Columns to print' },
    format: { type: 'choice', choices: ['ndjson', 'csv', 'table'], default: 'ndjson', description: 'Output format' },
    limit: { type: 'integer', default: 100, description: 'Rows to print at most' },
    where: { type: 'string', valueName: 'predicate', description: 'Filter rows' },
    force: { type: 'boolean', short: 'f', description: 'Do it anyway' },
  },
  examples: ['lakehouse scan ./events --format csv --columns id,ts'],
});

function usageError(message: string) {
  return (error: unknown) => error instanceof UsageError && error.message === message && error.command === 'scan';
}

test('parses typed options, defaults and positionals', () => {
  const parsed = parseCommand(scan, ['./t', '-v', '3', '--columns', 'a, b', '--columns=c', '--format=csv', '-f',
    '--timestamp', '2024-05-01T14:00:00+02:00', '--where', 'x > 1']);
  assert.equal(parsed.help, false);
  assert.deepEqual(parsed.positionals, ['./t']);
  const version: number | undefined = parsed.options.version;
  const format: 'ndjson' | 'csv' | 'table' = parsed.options.format;
  const limit: number = parsed.options.limit;
  assert.equal(version, 3);
  assert.equal(format, 'csv');
  assert.equal(limit, 100);
  assert.deepEqual(parsed.options.columns, ['a', 'b', 'c']);
  assert.equal(parsed.options.force, true);
  assert.equal(parsed.options.where, 'x > 1');
  assert.equal(parsed.options.timestamp?.toISOString(), '2024-05-01T12:00:00.000Z');

  const defaults = parseCommand(scan, ['./t']);
  assert.deepEqual(defaults.options, {
    version: undefined, timestamp: undefined, columns: undefined, format: 'ndjson', limit: 100, where: undefined, force: false,
  });
  assert.equal(parseCommand(scan, ['./t', '--limit=-1']).options.limit, -1);
  assert.equal(parseCommand(scan, ['./t', '--limit', '-1']).options.limit, -1);
  assert.equal(parseCommand(scan, ['./t', '--where', '-']).options.where, '-');
});

test('--help skips validation', () => {
  assert.equal(parseCommand(scan, ['--help']).help, true);
  assert.equal(parseCommand(scan, ['-h', '--bogus']).help, true);
});

test('every malformed command line is a usage error naming the problem', () => {
  assert.throws(() => parseCommand(scan, ['./t', '--bogus']), usageError('unknown option --bogus'));
  assert.throws(() => parseCommand(scan, ['./t', '-x']), usageError('unknown option -x'));
  assert.throws(() => parseCommand(scan, ['./t', '--version']), usageError('option --version needs a value'));
  assert.throws(() => parseCommand(scan, ['./t', '--where', '--force']), usageError('option --where needs a value'));
  assert.throws(() => parseCommand(scan, ['./t', '--force=yes']), usageError('option --force takes no value'));
  assert.throws(() => parseCommand(scan, ['./t', '-v', '1', '-v', '2']), usageError('option -v is given more than once'));
  assert.throws(() => parseCommand(scan, ['./t', '-v', '1.5']), usageError('option --version expects an integer, got "1.5"'));
  assert.throws(() => parseCommand(scan, ['./t', '-v', '-1']), usageError('option --version expects an integer >= 0, got "-1"'));
  assert.throws(() => parseCommand(scan, ['./t', '-v', '99999999999999999']), usageError('option --version expects an integer, got "99999999999999999"'));
  assert.throws(() => parseCommand(scan, ['./t', '--format', 'xml']), usageError('option --format expects one of ndjson, csv, table, got "xml"'));
  assert.throws(() => parseCommand(scan, ['./t', '--columns', 'a,,b']),
    usageError('option --columns expects a comma-separated list without empty items, got "a,,b"'));
  assert.throws(() => parseCommand(scan, ['./t', '--timestamp', '2024-02-30']),
    usageError('option --timestamp expects an ISO 8601 timestamp such as 2024-05-01T12:00:00Z, got "2024-02-30"'));
  assert.throws(() => parseCommand(scan, []), usageError('missing argument <table>'));
  assert.throws(() => parseCommand(scan, ['a', 'b']), usageError('unexpected argument "b"'));
  const required = defineCommand({ name: 'scan', summary: 's', options: { to: { type: 'string', required: true, description: 'd' } } });
  assert.throws(() => parseCommand(required, []), usageError('option --to is required'));
});

test('ISO timestamps: date only, fractions, offsets, UTC when no offset; invalid dates rejected', () => {
  assert.equal(parseIsoTimestamp('2024-05-01')?.toISOString(), '2024-05-01T00:00:00.000Z');
  assert.equal(parseIsoTimestamp('2024-05-01T12:34')?.toISOString(), '2024-05-01T12:34:00.000Z');
  assert.equal(parseIsoTimestamp('2024-05-01 12:34:56.789123')?.toISOString(), '2024-05-01T12:34:56.789Z');
  assert.equal(parseIsoTimestamp('2024-05-01T00:30:00-0130')?.toISOString(), '2024-05-01T02:00:00.000Z');
  assert.equal(parseIsoTimestamp('1969-12-31T23:59:59Z')?.getTime(), -1000);
  assert.equal(parseIsoTimestamp('2023-02-29'), undefined);
  assert.equal(parseIsoTimestamp('2024-05-01T24:00:00Z'), undefined);
  assert.equal(parseIsoTimestamp('yesterday'), undefined);
  assert.equal(parseIsoTimestamp('1714560000'), undefined);
});

test('help text lists arguments and options with defaults, aligned', () => {
  assert.equal(commandUsage(scan), [
    'Usage: lakehouse scan [options] <table>',
    '',
    'Print the rows of a Delta table.',
    '',
    'Arguments:',
    '  table  Path of the Delta table',
    '',
    'Options:',
    '  -v, --version <n>                Read the table as of this version',
    '      --timestamp <timestamp>      Read the table as of this time',
    '      --columns <a,b,...>          Columns to print',
    '      --format <ndjson|csv|table>  Output format (default: ndjson)',
    '      --limit <n>                  Rows to print at most (default: 100)',
    '      --where <predicate>          Filter rows',
    '  -f, --force                      Do it anyway',
    '  -h, --help                       Show this help',
    '',
    'Examples:',
    '  lakehouse scan ./events --format csv --columns id,ts',
  ].join('\n'));
});
