import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson, writeText } from '../command';
import { convertToDelta, describeSchema, type ConvertResult } from '../../ops/convert/convertToDelta';
import { dataTypeToJson } from '../../delta/schema';
import { formatBytes } from '../../util/formatBytes';
import { JSON_OPTION } from './tableOptions';

const spec = defineCommand({
  name: 'convert',
  summary: 'Turn a folder of Parquet files (flat or Hive-partitioned) into a Delta table in place, without rewriting data.',
  positionals: [{ name: 'dir', description: 'the folder holding the Parquet files (it becomes the table root)' }],
  options: {
    'partition-by': {
      type: 'string', valueName: 'schema',
      description: 'types of the key=value directory levels, e.g. "year INT, region STRING" (inferred when omitted)',
    },
    'dry-run': { type: 'boolean', description: 'read the footers and show the plan; commit nothing' },
    concurrency: { type: 'integer', min: 1, max: 1024, default: 32, description: 'footers read at once', valueName: 'N' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse convert ./events --dry-run',
    'lakehouse convert ./sales --partition-by "year INT, region STRING" --json',
  ],
});

export const convertCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const result = await convertToDelta(positionals[0] as string, {
    ...(options['partition-by'] !== undefined ? { partitionBy: options['partition-by'] } : {}),
    dryRun: options['dry-run'],
    concurrency: options.concurrency,
    ...operationControls(io),
  });
  if (options.json) {
    await writeJson(io.stdout, { ...result, schema: dataTypeToJson(result.schema) });
    return;
  }
  await writeText(io.stdout, summaryText(result));
});

function summaryText(result: ConvertResult): string {
  const head = {
    converted: `Converted ${result.location} to a Delta table (version ${result.version}).`,
    planned: `Dry run: ${result.location} can be converted; nothing was written.`,
    alreadyDelta: `${result.location} already is a Delta table (version ${result.version}); nothing to do.`,
  }[result.status];
  const lines = [head];
  if (result.status !== 'alreadyDelta') {
    lines.push(`  files: ${result.files} (${formatBytes(result.bytes)}), rows: ${result.rows}`);
    if (result.footersReused > 0) {
      lines.push(`  resumed: ${result.footersReused} footer(s) saved by an interrupted run reused, ${result.footersRead} read now${result.folderChangedSinceLastRun ? ' (the folder changed since: re-listed and reconciled)' : ''}`);
    }
    if (result.ignoredFiles.length > 0) lines.push(`  ignored: ${result.ignoredFiles.length} hidden or bookkeeping file(s), e.g. ${result.ignoredFiles[0]}`);
  }
  lines.push(`  partitioned by: ${result.partitionColumns.join(', ') || '(none)'}`, '  schema:', ...describeSchema(result.schema).map((l) => `    ${l}`));
  return `${lines.join('\n')}\n`;
}
