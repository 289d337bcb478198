import type { RecordBatch } from 'apache-arrow';
import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson } from '../command';
import { UsageError } from '../errors';
import { defaultOutputFormat, OUTPUT_FORMATS } from '../format/outputFormat';
import { RowWriter } from '../format/rowWriter';
import { DeltaTable } from '../../delta/table';
import { tableChanges, COMMIT_VERSION_COLUMN } from '../../delta/changes/tableChanges';
import { CHANGE_TYPE_COLUMN } from '../../delta/write/changeDataWriter';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'changes',
  summary: 'Print the Change Data Feed between two versions (like table_changes): changed rows with _change_type.',
  positionals: TABLE_POSITIONAL,
  options: {
    from: { type: 'integer', min: 0, description: 'first version whose changes are read (or --starting-timestamp)', valueName: 'N' },
    to: { type: 'integer', min: 0, description: 'last version read, inclusive (default: the latest; past the latest reads to the latest)', valueName: 'M' },
    'starting-timestamp': { type: 'timestamp', description: 'start at the first version committed at or after this time (ISO 8601, UTC unless an offset is given)', valueName: 'ISO' },
    'ending-timestamp': { type: 'timestamp', description: 'end at the last version committed at or before this time (ISO 8601)', valueName: 'ISO' },
    format: { type: 'choice', choices: OUTPUT_FORMATS, description: 'output format of the rows (default: table on a terminal, else ndjson)' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse changes ./orders --from 3 --to 7',
    'lakehouse changes ./orders --from 3 --format ndjson > changes.ndjson',
    'lakehouse changes ./orders --starting-timestamp 2024-05-01T00:00:00Z --ending-timestamp 2024-05-02',
    'lakehouse changes ./orders --from 3 --json   # counts per version and change type',
  ],
});

/** Rows per change type of one commit, for `--json`. */
type CommitCounts = Record<string, number>;

export const changesCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const start = options['starting-timestamp'];
  const end = options['ending-timestamp'];
  if ((options.from === undefined) === (start === undefined)) throw new UsageError('give the start as --from N or --starting-timestamp ISO (one of them)', spec.name);
  if (options.to !== undefined && end !== undefined) throw new UsageError('give the end as --to M or --ending-timestamp ISO, not both', spec.name);
  const changes = await tableChanges(await DeltaTable.open(positionals[0] as string), {
    ...(options.from !== undefined ? { fromVersion: options.from } : {}),
    ...(start !== undefined ? { startingTimestamp: start.getTime() } : {}),
    ...(options.to !== undefined ? { toVersion: options.to } : {}),
    ...(end !== undefined ? { endingTimestamp: end.getTime() } : {}),
    ...operationControls(io),
  });
  if (options.json) {
    const counts = new Map<number, CommitCounts>();
    for await (const batch of changes.batches()) countChanges(batch, counts);
    return writeJson(io.stdout, {
      fromVersion: changes.fromVersion,
      toVersion: changes.toVersion,
      versions: [...counts].map(([version, byType]) => ({ version, ...byType })),
    });
  }
  const writer = new RowWriter(io.stdout, changes.schema, options.format ?? defaultOutputFormat(io.stdoutIsTTY));
  for await (const batch of changes.batches()) await writer.write(batch);
  await writer.end();
});

function countChanges(batch: RecordBatch, counts: Map<number, CommitCounts>): void {
  const types = batch.getChild(CHANGE_TYPE_COLUMN);
  const versions = batch.getChild(COMMIT_VERSION_COLUMN);
  for (let row = 0; row < batch.numRows; row++) {
    const version = Number(versions?.get(row));
    const type = String(types?.get(row));
    const byType = counts.get(version) ?? {};
    byType[type] = (byType[type] ?? 0) + 1;
    counts.set(version, byType);
  }
}
