import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, writeJson, writeText } from '../command';
import { UsageError } from '../errors';
import { addConstraint } from '../../delta/write/addConstraint';
import { dropConstraint } from '../../delta/write/dropConstraint';
import { JSON_OPTION } from './tableOptions';

const spec = defineCommand({
  name: 'constraint',
  summary: 'Add a CHECK constraint (every existing row must satisfy it) or drop one.',
  positionals: [
    { name: 'action', description: 'add or drop' },
    { name: 'table', description: 'path of the Delta table (the folder holding _delta_log)' },
    { name: 'name', description: 'the constraint name (letters, digits, underscores)' },
    { name: 'predicate', description: 'for add: the condition rows must meet, e.g. "amount >= 0"', required: false },
  ],
  options: {
    'if-exists': { type: 'boolean', description: 'for drop: succeed when there is no such constraint' },
    ...JSON_OPTION,
  },
  examples: ['lakehouse constraint add ./orders positive_amount "amount >= 0"', 'lakehouse constraint drop ./orders positive_amount'],
});

export const constraintCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const [action, path, name, predicate] = positionals as [string, string, string, string | undefined];
  if (action === 'add') {
    if (predicate === undefined) throw new UsageError('constraint add needs a <predicate>', 'constraint');
    const { version } = await addConstraint(path, name, predicate, { signal: io.signal });
    if (options.json) return writeJson(io.stdout, { version, action, name, predicate });
    return writeText(io.stdout, `Added constraint ${name} (${predicate}) to ${path} (version ${version}).\n`);
  }
  if (action === 'drop') {
    if (predicate !== undefined) throw new UsageError('constraint drop takes no <predicate>', 'constraint');
    const { version } = await dropConstraint(path, name, { signal: io.signal, ifExists: options['if-exists'] });
    if (options.json) return writeJson(io.stdout, { version: version ?? null, action, name });
    return writeText(io.stdout, version === undefined ? `${path} has no constraint ${name}; nothing changed.\n` : `Dropped constraint ${name} from ${path} (version ${version}).\n`);
  }
  throw new UsageError(`constraint action must be add or drop, got "${action}"`, 'constraint');
});
