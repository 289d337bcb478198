import { defineCommand, parseCommand } from '../args';
import { type CliCommand, type CliIO, writeJson, writeText } from '../command';
import { createProgressReporter } from '../progress';
import { mergeRows, type MergeSummary } from '../../delta/write/mergeRows';
import { openTable } from '../../delta/write/tableLocation';
import { openSourceFile, SOURCE_FORMATS } from './sourceFile';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'merge',
  summary: 'Upsert a file into a table by key (MERGE): matching rows are updated (or deleted), new keys inserted.',
  positionals: TABLE_POSITIONAL,
  options: {
    source: { type: 'string', required: true, valueName: 'file', description: 'the source rows (.parquet, .csv, .tsv, .ndjson, .jsonl), or - for stdin' },
    format: { type: 'choice', choices: SOURCE_FORMATS, description: 'the source format (default: from the file extension; required for -)' },
    key: { type: 'list', required: true, valueName: 'id,...', description: 'columns identifying a row in both table and source' },
    'delete-when': { type: 'string', valueName: 'predicate', description: 'on source rows: a matched target row is deleted instead of updated, e.g. "op = \'D\'"' },
    'merge-schema': { type: 'boolean', description: 'add the source\'s new columns to the table' },
    ...JSON_OPTION,
  },
  examples: ['lakehouse merge ./customers --source changes.ndjson --key id --delete-when "deleted = true"'],
});

export const mergeCommand: CliCommand = {
  spec,
  async run(argv: readonly string[], io: CliIO): Promise<void> {
    const { options, positionals } = parseCommand(spec, argv);
    const path = positionals[0] as string;
    const table = await openTable(path);
    const opened = await openSourceFile('merge', options.source, options.format, (await table.snapshot()).schema, process.stdin, io.signal);
    let summary: MergeSummary;
    try {
      summary = await mergeRows(table, opened.source.batches, {
        key: options.key,
        ...(options['delete-when'] !== undefined ? { deleteWhen: options['delete-when'] } : {}),
        ...(options['merge-schema'] ? { mergeSchema: true } : {}),
        signal: io.signal,
        ...(io.stderrIsTTY ? { onProgress: createProgressReporter(io.stderr as NodeJS.WriteStream) } : {}),
      });
    } finally {
      await opened.close();
    }
    if (options.json) return writeJson(io.stdout, summary);
    await writeText(io.stdout, `Merged into ${path} (version ${summary.version}): ${summary.rowsInserted} inserted, ${summary.rowsUpdated} updated, `
      + `${summary.rowsDeleted} deleted; ${summary.filesAdded} file(s) added, ${summary.filesRemoved} removed.\n`);
  },
};
