import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson, writeText } from '../command';
import { deleteRows } from '../../delta/write/deleteRows';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';
import { summaryLine } from './write';

const spec = defineCommand({
  name: 'delete',
  summary: 'Delete the rows matching a predicate (DELETE FROM ... WHERE), by copy-on-write or deletion vectors.',
  positionals: TABLE_POSITIONAL,
  options: {
    where: { type: 'string', required: true, valueName: 'predicate', description: 'rows to delete, e.g. "id = 5" or "day < DATE \'2024-01-01\'"' },
    ...JSON_OPTION,
  },
  examples: ['lakehouse delete ./orders --where "status = \'cancelled\'"'],
});

export const deleteCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const path = positionals[0] as string;
  const summary = await deleteRows(path, options.where, {
    ...operationControls(io),
  });
  if (options.json) return writeJson(io.stdout, summary);
  await writeText(io.stdout, `${summaryLine('Deleted from', path, summary)}\n`);
});
