import { defineCommand, parseCommand } from '../args';
import { type CliCommand, type CliIO, operationControls, writeJson, writeText } from '../command';
import { mergeRows, type MergeOptions, type MergeSummary } from '../../delta/write/mergeRows';
import { openTable } from '../../delta/write/tableLocation';
import { mergeClauseFlags } from './mergeClauseFlags';
import { openSourceFile, SOURCE_FORMATS } from './sourceFile';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const CONDITION = 'cond|TRUE';
const REPEATABLE = 'repeatable; the first clause of its kind whose condition holds applies';

const spec = defineCommand({
  name: 'merge',
  summary: 'Merge a file into a table by key (MERGE): update, delete or insert rows by clauses with conditions on t.<col> (table) and s.<col> (source).',
  positionals: TABLE_POSITIONAL,
  options: {
    source: { type: 'string', required: true, valueName: 'file', description: 'the source rows (.parquet, .csv, .tsv, .ndjson, .jsonl), or - for stdin' },
    format: { type: 'choice', choices: SOURCE_FORMATS, description: 'the source format (default: from the file extension; required for -)' },
    key: { type: 'list', required: true, valueName: 'id,...', description: 'columns identifying a row in both table and source' },
    'when-matched-update': { type: 'string', valueName: CONDITION, description: `update matched rows where the condition holds: with the --set after it, else every column from the source (${REPEATABLE})` },
    'when-matched-delete': { type: 'string', valueName: CONDITION, description: `delete matched rows where the condition holds (${REPEATABLE})` },
    'when-not-matched-insert': { type: 'string', valueName: CONDITION, description: `insert source rows without a match where the condition holds: with the --values after it, else the whole source row (${REPEATABLE})` },
    'when-not-matched-by-source-update': { type: 'string', valueName: CONDITION, description: `update table rows no source row matches where the condition holds, with the --set after it (${REPEATABLE}; reads every file)` },
    'when-not-matched-by-source-delete': { type: 'string', valueName: CONDITION, description: `delete table rows no source row matches where the condition holds (${REPEATABLE}; reads every file)` },
    set: { type: 'string', valueName: 'col=expr,...', description: 'what the update clause right before it sets, e.g. "qty = t.qty + s.qty, updated = s.ts" (without clauses: the upsert\'s values)' },
    values: { type: 'string', valueName: 'col=expr,...', description: 'the columns the insert clause right before it writes, e.g. "id = s.id, qty = s.qty * 2"; other columns are NULL' },
    'delete-when': { type: 'string', valueName: 'predicate', description: 'on source columns: a matched row is deleted instead of updated, e.g. "op = \'D\'"' },
    'merge-schema': { type: 'boolean', description: 'add the source\'s new columns to the table' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse merge ./customers --source changes.ndjson --key id --delete-when "deleted = true"',
    'lakehouse merge ./stock --source moves.parquet --key sku --when-matched-delete "s.op = \'D\'" --when-matched-update "s.ts > t.ts" --set "qty = t.qty + s.qty, ts = s.ts" --when-not-matched-insert "s.op <> \'D\'"',
    'lakehouse merge ./stock --source moves.parquet --key sku --when-not-matched-insert "s.qty > 100" --values "sku = s.sku, qty = s.qty, bulk = true" --when-not-matched-insert TRUE --values "sku = s.sku, qty = s.qty"',
  ],
});

export const mergeCommand: CliCommand = {
  spec,
  async run(argv: readonly string[], io: CliIO): Promise<void> {
    const flags = mergeClauseFlags(spec, argv);
    const { options, positionals } = parseCommand(spec, flags.rest);
    const path = positionals[0] as string;
    const clauses: Pick<MergeOptions, 'matched' | 'notMatched' | 'notMatchedBySource'> = flags.clauses
      ?? (flags.upsertSet ? { matched: [{ action: 'update', set: flags.upsertSet }] } : {});
    const table = await openTable(path);
    const opened = await openSourceFile('merge', options.source, options.format, (await table.snapshot()).schema, process.stdin, io.signal);
    let summary: MergeSummary;
    try {
      summary = await mergeRows(table, opened.source.batches, {
        key: options.key,
        ...clauses,
        ...(options['delete-when'] !== undefined ? { deleteWhen: options['delete-when'] } : {}),
        ...(options['merge-schema'] ? { mergeSchema: true } : {}),
        ...operationControls(io),
      });
    } finally {
      await opened.close();
    }
    if (options.json) return writeJson(io.stdout, summary);
    await writeText(io.stdout, `Merged into ${path} (version ${summary.version}): ${summary.rowsInserted} inserted, ${summary.rowsUpdated} updated, `
      + `${summary.rowsDeleted} deleted; ${summary.filesAdded} file(s) added, ${summary.filesRemoved} removed.\n`);
  },
};
