import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson, writeText } from '../command';
import { UsageError } from '../errors';
import { vacuumTable } from '../../ops/vacuum/vacuumTable';
import { formatBytes } from '../../util/formatBytes';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'vacuum',
  summary: 'Delete files no version inside the retention window needs (VACUUM); --dry-run lists them.',
  positionals: TABLE_POSITIONAL,
  options: {
    'retain-hours': { type: 'string', valueName: 'H', description: 'keep files removed less than H hours ago (default: the table\'s delta.deletedFileRetentionDuration, 168)' },
    'dry-run': { type: 'boolean', description: 'list the files that would be deleted; delete nothing' },
    force: { type: 'boolean', description: 'allow a retention shorter than the table\'s: only when nobody else reads or writes the table' },
    ...JSON_OPTION,
  },
  examples: ['lakehouse vacuum ./orders --dry-run', 'lakehouse vacuum ./orders --retain-hours 0 --force --json'],
});

export const vacuumCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const path = positionals[0] as string;
  const hours = options['retain-hours'];
  const retentionHours = hours === undefined ? undefined : Number(hours);
  if (retentionHours !== undefined && (hours?.trim() === '' || !Number.isFinite(retentionHours) || retentionHours < 0)) {
    throw new UsageError(`option --retain-hours expects a number of hours >= 0, got ${JSON.stringify(hours)}`, 'vacuum');
  }
  const result = await vacuumTable(path, {
    ...(retentionHours !== undefined ? { retentionHours } : {}),
    dryRun: options['dry-run'],
    force: options.force,
    ...operationControls(io),
  });
  if (options.json) {
    return writeJson(io.stdout, { ...result, version: result.endVersion, filesRemoved: result.dryRun ? 0 : result.files.length });
  }
  const size = formatBytes(result.dryRun ? 0 : result.bytesDeleted);
  const lines = result.dryRun
    ? [`Would delete ${result.files.length} file(s) from ${path} (removed before ${result.deleteBefore}):`, ...result.files.map((f) => `  ${f}`)]
    : [`Deleted ${result.filesDeleted} file(s) (${size}) from ${path}; history versions ${result.startVersion}-${result.endVersion} record it.`];
  await writeText(io.stdout, `${lines.join('\n')}\n`);
});
