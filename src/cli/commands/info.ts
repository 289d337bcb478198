import { formatDataType } from '../../delta/schema';
import { describeTable } from '../../ops/describeTable';
import { formatBytes } from '../../util/formatBytes';
import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, writeJson, writeText } from '../command';
import { JSON_OPTION, openSnapshot, TABLE_POSITIONAL, TIME_TRAVEL_OPTIONS } from './tableOptions';

const spec = defineCommand({
  name: 'info',
  summary: 'Show a table version: size, files, rows, partitioning, protocol and properties.',
  positionals: TABLE_POSITIONAL,
  options: { ...TIME_TRAVEL_OPTIONS, ...JSON_OPTION },
  examples: ['lakehouse info ./orders', 'lakehouse info ./orders --version 2 --json'],
});

export const infoCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const info = describeTable(await openSnapshot(positionals[0] as string, options));
  if (options.json) return writeJson(io.stdout, info);
  const features = [...new Set([...(info.protocol.readerFeatures ?? []), ...(info.protocol.writerFeatures ?? [])])];
  const lines = [
    `Table       ${info.location}${info.name ? ` (${info.name})` : ''}`,
    `Version     ${info.version}   committed ${info.timestamp}`,
    `Files       ${info.numFiles}   ${formatBytes(info.sizeInBytes)}`,
    `Rows        ${info.numRecords ?? 'unknown (files without statistics)'}${info.numDeletedRecords ? `   (${info.numDeletedRecords} deleted by deletion vectors)` : ''}`,
    `Partitions  ${info.partitionColumns.length ? info.partitionColumns.join(', ') : 'none'}`,
    `Columns     ${info.schema.fields.map((f) => `${f.name} ${formatDataType(f.type)}`).join(', ')}`,
    `Protocol    reader ${info.protocol.minReaderVersion}, writer ${info.protocol.minWriterVersion}${features.length ? `; features: ${features.join(', ')}` : ''}`,
    ...Object.entries(info.properties).map(([key, value], i) => `${i === 0 ? 'Properties  ' : '            '}${key}=${value}`),
  ];
  await writeText(io.stdout, `${lines.join('\n')}\n`);
});
