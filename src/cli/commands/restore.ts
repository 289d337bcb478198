import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson, writeText } from '../command';
import { UsageError } from '../errors';
import { restoreTable } from '../../ops/restore/restoreTable';
import { JSON_OPTION, TABLE_POSITIONAL, TIME_TRAVEL_OPTIONS } from './tableOptions';

const spec = defineCommand({
  name: 'restore',
  summary: 'Bring the table back to an older version or timestamp, in one new commit (RESTORE).',
  positionals: TABLE_POSITIONAL,
  options: {
    version: { ...TIME_TRAVEL_OPTIONS.version, description: 'the version to restore' },
    timestamp: { ...TIME_TRAVEL_OPTIONS.timestamp, description: 'restore the version current at this ISO time, e.g. 2024-05-01T12:00:00Z' },
    ...JSON_OPTION,
  },
  examples: ['lakehouse restore ./orders --version 12', 'lakehouse restore ./orders --timestamp 2024-05-01T12:00:00Z --json'],
});

export const restoreCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const path = positionals[0] as string;
  if ((options.version === undefined) === (options.timestamp === undefined)) {
    throw new UsageError('give exactly one of --version and --timestamp', 'restore');
  }
  const target = options.version !== undefined ? { version: options.version } : { timestamp: options.timestamp as Date };
  const result = await restoreTable(path, target, {
    ...operationControls(io),
  });
  if (options.json) return writeJson(io.stdout, result);
  await writeText(io.stdout, `Restored ${path} to version ${result.restoredVersion} (committed as version ${result.version}): `
    + `${result.filesAdded} file(s) added back, ${result.filesRemoved} removed.\n`);
});
