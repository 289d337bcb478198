import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls } from '../command';
import { defaultOutputFormat, OUTPUT_FORMATS } from '../format/outputFormat';
import { RowWriter } from '../format/rowWriter';
import { openSnapshot, TABLE_POSITIONAL, TIME_TRAVEL_OPTIONS } from './tableOptions';

const spec = defineCommand({
  name: 'scan',
  summary: 'Print the rows of a table (optionally at an older version), filtered and projected.',
  positionals: TABLE_POSITIONAL,
  options: {
    ...TIME_TRAVEL_OPTIONS,
    columns: { type: 'list', description: 'only these columns, in this order', valueName: 'a,b' },
    where: { type: 'string', description: "row filter, e.g. \"region = 'EU' AND amount > 10\"", valueName: 'predicate' },
    limit: { type: 'integer', min: 0, description: 'stop after N rows', valueName: 'N' },
    format: { type: 'choice', choices: OUTPUT_FORMATS, description: 'output format (default: table on a terminal, else ndjson)' },
  },
  examples: [
    'lakehouse scan ./orders --where "status = \'SHIPPED\'" --columns order_id,amount --limit 20',
    'lakehouse scan ./orders --version 3 --format ndjson > orders-v3.ndjson',
  ],
});

export const scanCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const snapshot = await openSnapshot(positionals[0] as string, options);
  const scan = snapshot.scan({
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.where !== undefined ? { where: options.where } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...operationControls(io),
  });
  const writer = new RowWriter(io.stdout, scan.schema, options.format ?? defaultOutputFormat(io.stdoutIsTTY));
  for await (const batch of scan.batches()) await writer.write(batch);
  await writer.end();
});
