import { defineCommand, parseCommand } from '../args';
import { type CliCommand, type CliIO, writeJson, writeText } from '../command';
import { UsageError } from '../errors';
import { createProgressReporter } from '../progress';
import type { MatchedClause, NotMatchedBySourceClause, NotMatchedClause } from '../../delta/write/mergeClauses';
import { mergeRows, type MergeOptions, type MergeSummary } from '../../delta/write/mergeRows';
import { openTable } from '../../delta/write/tableLocation';
import { parseAssignmentList } from './assignmentList';
import { openSourceFile, SOURCE_FORMATS } from './sourceFile';
import { JSON_OPTION, TABLE_POSITIONAL } from './tableOptions';

const CONDITION = 'cond|TRUE';

const spec = defineCommand({
  name: 'merge',
  summary: 'Merge a file into a table by key (MERGE): update, delete or insert rows by clauses with conditions on t.<col> (table) and s.<col> (source).',
  positionals: TABLE_POSITIONAL,
  options: {
    source: { type: 'string', required: true, valueName: 'file', description: 'the source rows (.parquet, .csv, .tsv, .ndjson, .jsonl), or - for stdin' },
    format: { type: 'choice', choices: SOURCE_FORMATS, description: 'the source format (default: from the file extension; required for -)' },
    key: { type: 'list', required: true, valueName: 'id,...', description: 'columns identifying a row in both table and source' },
    'when-matched-update': { type: 'string', valueName: CONDITION, description: 'update matched rows where the condition holds: with --set, else every column from the source' },
    'when-matched-delete': { type: 'string', valueName: CONDITION, description: 'delete matched rows where the condition holds' },
    'when-not-matched-insert': { type: 'string', valueName: CONDITION, description: 'insert source rows without a match where the condition holds' },
    'when-not-matched-by-source-delete': { type: 'string', valueName: CONDITION, description: 'delete table rows no source row matches where the condition holds (reads every file)' },
    set: { type: 'string', valueName: 'col=expr,...', description: 'what the matched update sets, e.g. "qty = t.qty + s.qty, updated = s.ts"' },
    'delete-when': { type: 'string', valueName: 'predicate', description: 'on source columns: a matched row is deleted instead of updated, e.g. "op = \'D\'"' },
    'merge-schema': { type: 'boolean', description: 'add the source\'s new columns to the table' },
    ...JSON_OPTION,
  },
  examples: [
    'lakehouse merge ./customers --source changes.ndjson --key id --delete-when "deleted = true"',
    'lakehouse merge ./stock --source moves.parquet --key sku --when-matched-delete "s.op = \'D\'" --when-matched-update "s.ts > t.ts" --set "qty = t.qty + s.qty, ts = s.ts" --when-not-matched-insert "s.op <> \'D\'"',
  ],
});

const CLAUSE_FLAGS = ['when-matched-update', 'when-matched-delete', 'when-not-matched-insert', 'when-not-matched-by-source-delete'] as const;

export const mergeCommand: CliCommand = {
  spec,
  async run(argv: readonly string[], io: CliIO): Promise<void> {
    const { options, positionals } = parseCommand(spec, argv);
    const path = positionals[0] as string;
    const set = options.set !== undefined ? parseAssignmentList(options.set, 'merge') : undefined;
    const condition = (text: string): { condition?: string } => (/^\s*true\s*$/i.test(text) ? {} : { condition: text });
    const clauses: Pick<MergeOptions, 'matched' | 'notMatched' | 'notMatchedBySource'> = {};
    if (CLAUSE_FLAGS.some((flag) => options[flag] !== undefined)) {
      // Spark applies the first clause whose condition holds: the command line's order is that order.
      const position = (flag: string): number => argv.findIndex((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
      const matched: Array<[number, MatchedClause]> = [];
      const update = options['when-matched-update'];
      if (set && update === undefined) throw new UsageError('--set gives the values of --when-matched-update; add that clause (its condition may be TRUE)', 'merge');
      const remove = options['when-matched-delete'];
      if (update !== undefined) matched.push([position('when-matched-update'), { action: 'update', ...condition(update), ...(set ? { set } : {}) }]);
      if (remove !== undefined) matched.push([position('when-matched-delete'), { action: 'delete', ...condition(remove) }]);
      const insert = options['when-not-matched-insert'];
      const bySource = options['when-not-matched-by-source-delete'];
      clauses.matched = matched.sort((a, b) => a[0] - b[0]).map(([, clause]) => clause);
      clauses.notMatched = insert !== undefined ? [{ action: 'insert', ...condition(insert) } satisfies NotMatchedClause] : [];
      clauses.notMatchedBySource = bySource !== undefined ? [{ action: 'delete', ...condition(bySource) } satisfies NotMatchedBySourceClause] : [];
    } else if (set) {
      clauses.matched = [{ action: 'update', set }];
    }
    const table = await openTable(path);
    const opened = await openSourceFile('merge', options.source, options.format, (await table.snapshot()).schema, process.stdin, io.signal);
    let summary: MergeSummary;
    try {
      summary = await mergeRows(table, opened.source.batches, {
        key: options.key,
        ...clauses,
        ...(options['delete-when'] !== undefined ? { deleteWhen: options['delete-when'] } : {}),
        ...(options['merge-schema'] ? { mergeSchema: true } : {}),
        signal: io.signal,
        ...(io.stderrIsTTY ? { onProgress: createProgressReporter(io.stderr as NodeJS.WriteStream) } : {}),
      });
    } finally {
      await opened.close();
    }
    if (options.json) return writeJson(io.stdout, summary);
    await writeText(io.stdout, `Merged into ${path} (version ${summary.version}): ${summary.rowsInserted} inserted, ${summary.rowsUpdated} updated, `
      + `${summary.rowsDeleted} deleted; ${summary.filesAdded} file(s) added, ${summary.filesRemoved} removed.\n`);
  },
};
