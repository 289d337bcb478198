import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson, writeText } from '../command';
import { importFiles, type ImportResult } from '../../ops/importFile/importFiles';
import { formatBytes } from '../../util/formatBytes';
import { JSON_OPTION } from './tableOptions';

const spec = defineCommand({
  name: 'import',
  summary: 'Copy a CSV, NDJSON or Parquet file (or a folder of them) into a Delta table, creating it when missing.',
  positionals: [{ name: 'source', description: 'a file, or a folder whose files of one format are imported together' }],
  options: {
    to: { type: 'string', required: true, valueName: 'table', description: 'the Delta table folder' },
    mode: { type: 'choice', choices: ['append', 'overwrite'], default: 'append', description: 'add the rows, or replace the table\'s rows' },
    'partition-by': { type: 'list', valueName: 'a,b', description: 'partition columns of a table being created' },
    format: { type: 'choice', choices: ['csv', 'ndjson', 'parquet'], description: 'the source format (default: from the file extension)' },
    schema: { type: 'string', valueName: 'columns', description: 'types of some columns, e.g. "id long, ts timestamp, price decimal(10,2)"; others are inferred' },
    delimiter: { type: 'string', valueName: 'char', description: 'CSV field delimiter (default "," or tab for .tsv); \\t for tab' },
    quote: { type: 'string', valueName: 'char', description: 'CSV quote character (default ")' },
    'no-header': { type: 'boolean', description: 'the CSV has no header line (columns are _c0, _c1, ... or the --schema names)' },
    'null-value': { type: 'list', valueName: 'tokens', description: 'unquoted CSV fields that mean NULL (default: the empty field)' },
    'date-format': { type: 'string', valueName: 'pattern', description: 'e.g. dd/MM/yyyy (default ISO yyyy-MM-dd)' },
    'timestamp-format': { type: 'string', valueName: 'pattern', description: "e.g. \"yyyy-MM-dd HH:mm:ss.SSSXXX\" (default ISO 8601; no zone means UTC)" },
    'bad-rows': { type: 'string', valueName: 'file', description: 'write rows that cannot be read to this NDJSON file and count them, instead of failing' },
    'target-file-size': { type: 'integer', min: 1024, valueName: 'bytes', description: 'data file size to aim for (default: the table\'s delta.targetFileSize)' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse import orders.csv --to ./orders --schema "order_id long, placed timestamp"',
    'lakehouse import ./exports --to ./events --format ndjson --mode overwrite --partition-by day --bad-rows rejected.ndjson',
  ],
});

export const importCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const delimiter = options.delimiter === '\\t' ? '\t' : options.delimiter;
  const result = await importFiles(positionals[0] as string, options.to, {
    mode: options.mode,
    ...(options.format !== undefined ? { format: options.format } : {}),
    ...(options['partition-by'] !== undefined ? { partitionBy: options['partition-by'] } : {}),
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(options.quote !== undefined ? { quote: options.quote } : {}),
    ...(options['no-header'] ? { header: false } : {}),
    ...(options['null-value'] !== undefined ? { nullValues: options['null-value'] } : {}),
    ...(options['date-format'] !== undefined ? { dateFormat: options['date-format'] } : {}),
    ...(options['timestamp-format'] !== undefined ? { timestampFormat: options['timestamp-format'] } : {}),
    ...(options['bad-rows'] !== undefined ? { badRowsPath: options['bad-rows'] } : {}),
    ...(options['target-file-size'] !== undefined ? { targetFileSize: options['target-file-size'] } : {}),
    ...operationControls(io),
  });
  if (options.json) return writeJson(io.stdout, result);
  await writeText(io.stdout, summaryText(result, options.to));
});

function summaryText(result: ImportResult, table: string): string {
  const lines = result.version === undefined
    ? [`Nothing to import: ${result.sourceFiles.length} source file(s) hold no rows; ${table} was not changed.`]
    : [`Imported ${result.rowsImported} row(s) from ${result.sourceFiles.length} file(s) into ${table} (version ${result.version}): ${result.filesAdded} data file(s), ${formatBytes(result.bytesAdded)}.`];
  if (result.badRows > 0) lines.push(`${result.badRows} bad row(s) written to ${result.badRowsFile}.`);
  return `${lines.join('\n')}\n`;
}
