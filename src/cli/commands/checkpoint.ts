import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, writeJson, writeText } from '../command';
import { writeCheckpoint } from '../../delta/checkpoint/writeCheckpoint';
import { DeltaTable } from '../../delta/table';
import { assertWritable } from '../../delta/tableFeatures';
import { formatBytes } from '../../util/formatBytes';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'checkpoint',
  summary: 'Write a Parquet checkpoint of the latest version, so readers replay fewer commits.',
  positionals: TABLE_POSITIONAL,
  options: { ...JSON_OPTION },
});

export const checkpointCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const table = await DeltaTable.open(positionals[0] as string);
  const snapshot = await table.snapshot();
  // A checkpoint is written state: a table with writer features we do not know must not get one.
  assertWritable(snapshot.protocol);
  const info = await writeCheckpoint(table.store, snapshot.version);
  if (options.json) return writeJson(io.stdout, info);
  await writeText(io.stdout, `Checkpoint of version ${info.version} written: ${info.numOfAddFiles} active file(s), ${info.size} action(s), ${formatBytes(info.sizeInBytes)}.\n`);
});
