import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson, writeText } from '../command';
import type { WriteSummary } from '../../delta/write/writeSummary';
import { openIfExists } from '../../delta/write/tableLocation';
import { writeTable } from '../../delta/write/writeTable';
import { formatBytes } from '../../util/formatBytes';
import { openSourceFile, SOURCE_FORMATS } from './sourceFile';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'write',
  summary: 'Write a Parquet, CSV or NDJSON file into a Delta table in one commit (creating the table when missing).',
  positionals: TABLE_POSITIONAL,
  options: {
    from: { type: 'string', required: true, valueName: 'file', description: 'the input file (.parquet, .csv, .tsv, .ndjson, .jsonl), or - for stdin' },
    format: { type: 'choice', choices: SOURCE_FORMATS, description: 'the input format (default: from the file extension; required for -)' },
    mode: { type: 'choice', choices: ['append', 'overwrite', 'error', 'ignore'], default: 'append', description: 'when the table exists: add rows, replace them, fail, or do nothing' },
    'partition-by': { type: 'list', valueName: 'a,b', description: 'partition columns (of a new table; an existing table must match)' },
    'merge-schema': { type: 'boolean', description: 'add the input\'s new columns to the table (and widen types where the table allows it)' },
    'replace-where': { type: 'string', valueName: 'predicate', description: 'with --mode overwrite: replace only the rows matching this predicate' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse write ./orders --from orders.parquet',
    'lakehouse write ./orders --from day.csv --mode overwrite --replace-where "day = DATE \'2024-05-01\'"',
    'cat events.ndjson | lakehouse write ./events --from - --format ndjson --merge-schema',
  ],
});

export const writeCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const path = positionals[0] as string;
  const existing = await openIfExists(path);
  const tableSchema = existing ? (await existing.snapshot()).schema : undefined;
  const opened = await openSourceFile('write', options.from, options.format, tableSchema, process.stdin, io.signal);
  let summary: WriteSummary;
  try {
    summary = await writeTable(existing ?? path, opened.source.batches, {
      mode: options.mode,
      ...(options['partition-by'] !== undefined ? { partitionBy: options['partition-by'] } : {}),
      ...(options['merge-schema'] ? { mergeSchema: true } : {}),
      ...(options['replace-where'] !== undefined ? { replaceWhere: options['replace-where'] } : {}),
      ...operationControls(io),
    });
  } finally {
    await opened.close();
  }
  if (options.json) return writeJson(io.stdout, summary);
  await writeText(io.stdout, `${summaryLine('Wrote', path, summary)}\n`);
});

/** One line saying what a data operation committed. */
export function summaryLine(verb: string, table: string, summary: WriteSummary): string {
  return `${verb} ${table} (version ${summary.version}): ${summary.rowsAdded} row(s) added, ${summary.rowsRemoved} removed; `
    + `${summary.filesAdded} file(s) added (${formatBytes(summary.bytesAdded)}), ${summary.filesRemoved} removed.`;
}
