import { defineCommand, parseCommand } from '../args';
import { type CliCommand, type CliIO, writeJson, writeText } from '../command';
import { UsageError } from '../errors';
import { createProgressReporter } from '../progress';
import { updateRows } from '../../delta/write/updateRows';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'update',
  summary: 'Set columns to literal values in the rows matching a predicate (UPDATE ... SET ... WHERE).',
  positionals: TABLE_POSITIONAL,
  options: {
    set: { type: 'string', required: true, valueName: 'col=literal,...', description: 'assignments with SQL literals: 5, \'text\', NULL, DATE \'2024-01-31\', TRUE' },
    where: { type: 'string', valueName: 'predicate', description: 'rows to update (default: all rows)' },
    ...JSON_OPTION,
  },
  examples: ['lakehouse update ./orders --set "status=\'shipped\',shipped_on=DATE \'2024-05-02\'" --where "id IN (1, 2)"'],
});

export const updateCommand: CliCommand = {
  spec,
  async run(argv: readonly string[], io: CliIO): Promise<void> {
    const { options, positionals } = parseCommand(spec, argv);
    const path = positionals[0] as string;
    const summary = await updateRows(path, parseAssignmentList(options.set), {
      ...(options.where !== undefined ? { where: options.where } : {}),
      signal: io.signal,
      ...(io.stderrIsTTY ? { onProgress: createProgressReporter(io.stderr as NodeJS.WriteStream) } : {}),
    });
    if (options.json) return writeJson(io.stdout, { ...summary, rowsUpdated: summary.rowsAdded });
    await writeText(io.stdout, `Updated ${summary.rowsAdded} row(s) of ${path} (version ${summary.version}): ${summary.filesAdded} file(s) added, ${summary.filesRemoved} removed.\n`);
  },
};

/** `a=1,b='x, y'`: commas inside quoted literals do not split; the first `=` of an entry separates. */
export function parseAssignmentList(text: string): Record<string, string> {
  const entries: string[] = [''];
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '\'' || char === '"' || char === '`') {
      quote = char;
    } else if (char === ',') {
      entries.push('');
      continue;
    }
    entries[entries.length - 1] += char;
  }
  if (quote) throw new UsageError(`--set has an unclosed ${quote} quote`, 'update');
  const set: Record<string, string> = {};
  for (const entry of entries.map((e) => e.trim()).filter((e) => e !== '')) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new UsageError(`--set entry "${entry}" is not column=literal`, 'update');
    set[entry.slice(0, equals).trim().replace(/^`|`$/g, '')] = entry.slice(equals + 1).trim();
  }
  if (Object.keys(set).length === 0) throw new UsageError('--set needs at least one column=literal', 'update');
  return set;
}
