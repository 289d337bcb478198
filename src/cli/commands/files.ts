import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, writeJson, writeText } from '../command';
import { recordCount } from '../../ops/describeTable';
import { formatBytes } from '../../util/formatBytes';
import { alignColumns } from './history';
import { JSON_OPTION, openSnapshot, TABLE_POSITIONAL, TIME_TRAVEL_OPTIONS } from './tableOptions';

const spec = defineCommand({
  name: 'files',
  summary: 'List the data files of a table version with partition values, sizes, row counts and deletion vectors.',
  positionals: TABLE_POSITIONAL,
  options: {
    ...TIME_TRAVEL_OPTIONS,
    where: { type: 'string', description: 'only files that may hold rows matching this predicate (stats skipping)', valueName: 'predicate' },
    ...JSON_OPTION,
  },
});

export const filesCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const snapshot = await openSnapshot(positionals[0] as string, options);
  const files = snapshot.scan(options.where !== undefined ? { where: options.where } : {}).plan();
  const listed = files.map((f) => ({
    path: decodeURIComponent(f.path),
    partitionValues: f.partitionValues,
    size: f.size,
    numRecords: recordCount(f.stats) ?? null,
    deletedRows: f.deletionVector?.cardinality ?? 0,
    modificationTime: new Date(f.modificationTime).toISOString(),
  }));
  if (options.json) return writeJson(io.stdout, listed);
  const rows = listed.map((f) => [
    f.path, formatBytes(f.size), f.numRecords === null ? '?' : String(f.numRecords), f.deletedRows ? String(f.deletedRows) : '', f.modificationTime,
  ]);
  await writeText(io.stdout, alignColumns([['PATH', 'SIZE', 'ROWS', 'DELETED', 'MODIFIED'], ...rows]));
  await writeText(io.stderr, `${listed.length} of ${snapshot.fileCount} files\n`);
});
