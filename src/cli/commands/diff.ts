import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand, operationControls, writeJson, writeText } from '../command';
import { DEFAULT_MAX_LISTED_ROWS } from '../../ops/diff/diffRows';
import { diffTableVersions } from '../../ops/diff/diffTableVersions';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const spec = defineCommand({
  name: 'diff',
  summary: 'Compare two versions of a table: added, removed and changed rows (by key) and schema changes.',
  positionals: TABLE_POSITIONAL,
  options: {
    from: { type: 'integer', min: 0, required: true, description: 'the older version', valueName: 'N' },
    to: { type: 'integer', min: 0, required: true, description: 'the newer version', valueName: 'M' },
    key: { type: 'list', description: 'columns identifying a row (changed rows need one); whole rows when omitted', valueName: 'a,b' },
    'max-rows': { type: 'integer', min: 0, description: `rows listed per kind (default ${DEFAULT_MAX_LISTED_ROWS}); counts are always exact`, valueName: 'N' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse diff ./customers --from 0 --to 1 --key id',
    'lakehouse diff ./sales --from 3 --to 15 --json > diff.json',
  ],
});

export const diffCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  const diff = await diffTableVersions(positionals[0] as string, options.from, options.to, {
    ...(options.key ? { key: options.key } : {}),
    ...(options['max-rows'] !== undefined ? { maxListed: options['max-rows'] } : {}),
    ...operationControls(io),
  });
  const { rows } = diff;
  const schemaChanged = diff.fromText.replace(/^# Version \d+\n/, '') !== diff.toText.replace(/^# Version \d+\n/, '');
  if (options.json) {
    return writeJson(io.stdout, { location: diff.location, schemaOrMetadataChanged: schemaChanged, ...rows });
  }
  const lines = [
    `versions ${rows.fromVersion} -> ${rows.toVersion}, ${rows.key.length ? `key (${rows.key.join(', ')})` : 'whole rows'}`,
    `added ${rows.counts.added}, removed ${rows.counts.removed}, changed ${rows.counts.changed}, unchanged ${rows.counts.unchanged}`,
    `schema or metadata ${schemaChanged ? 'changed' : 'unchanged'}`,
    ...rows.added.map((row) => `+ ${JSON.stringify(row)}`),
    ...rows.removed.map((row) => `- ${JSON.stringify(row)}`),
    ...rows.changed.map((change) => `~ ${JSON.stringify(change.key)} ${change.changedColumns
      .map((c) => `${c}: ${JSON.stringify(change.before[c])} -> ${JSON.stringify(change.after[c])}`).join(', ')}`),
  ];
  if (rows.truncated) lines.push(`(lists cut at ${options['max-rows'] ?? DEFAULT_MAX_LISTED_ROWS} rows per kind; counts are exact)`);
  await writeText(io.stdout, `${lines.join('\n')}\n`);
});
