import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson, writeText } from '../command';
import { updateRows } from '../../delta/write/updateRows';
import { parseAssignmentList } from './assignmentList';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'update',
  summary: 'Set columns to computed values in the rows matching a predicate (UPDATE ... SET ... WHERE).',
  positionals: TABLE_POSITIONAL,
  options: {
    set: {
      type: 'string', required: true, valueName: 'col=expr,...',
      description: 'assignments: literals (5, \'text\', NULL, DATE \'2024-01-31\'), columns, + - * / %, ||, upper, lower, trim, length, concat, coalesce, abs, CAST(x AS type)',
    },
    where: { type: 'string', valueName: 'predicate', description: 'rows to update (default: all rows)' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse update ./orders --set "status=\'shipped\',shipped_on=DATE \'2024-05-02\'" --where "id IN (1, 2)"',
    'lakehouse update ./products --set "price = price * 1.1, name = upper(name), qty = qty + 1" --where "category = \'toys\'"',
  ],
});

export const updateCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const path = positionals[0] as string;
  const summary = await updateRows(path, parseAssignmentList(options.set, 'update'), {
    ...(options.where !== undefined ? { where: options.where } : {}),
    ...operationControls(io),
  });
  if (options.json) return writeJson(io.stdout, { ...summary, rowsUpdated: summary.rowsAdded });
  await writeText(io.stdout, `Updated ${summary.rowsAdded} row(s) of ${path} (version ${summary.version}): ${summary.filesAdded} file(s) added, ${summary.filesRemoved} removed.\n`);
});
