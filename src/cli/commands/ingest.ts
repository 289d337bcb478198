import { redactUrl } from '../../connectors/postgres/pgConnect';
import { ingestPostgresSnapshot } from '../../ops/ingest/ingestPostgresSnapshot';
import { defineCommand, parseCommand } from '../args';
import { type CliCommand, type CliIO, writeJson, writeText } from '../command';
import { UsageError } from '../errors';
import { JSON_OPTION } from './tableOptions';

const spec = defineCommand({
  name: 'ingest',
  summary: 'Copy a PostgreSQL table or query into a Delta table (password from PGPASSWORD).',
  positionals: [{ name: 'source', description: 'the kind of source: postgres' }],
  options: {
    url: { type: 'string', required: true, valueName: '<conn>', description: 'postgresql://user@host:5432/db (put the password in PGPASSWORD, not here)' },
    table: { type: 'string', valueName: '<schema.table>', description: 'the table to copy' },
    query: { type: 'string', valueName: '<sql>', description: 'a SELECT to copy instead of a table' },
    to: { type: 'string', required: true, valueName: '<path>', description: 'the Delta table (created when missing)' },
    mode: { type: 'choice', choices: ['snapshot', 'incremental', 'cdc'], default: 'snapshot', description: 'snapshot: a full consistent copy' },
    append: { type: 'boolean', description: 'snapshot: append to the table instead of replacing its rows' },
    'partition-by': { type: 'list', valueName: '<col,...>', description: 'partition columns of a table being created' },
    ...JSON_OPTION,
  },
  examples: [
    'PGPASSWORD=... lakehouse ingest postgres --url postgresql://app@db:5432/shop --table public.orders --to ./orders',
    "lakehouse ingest postgres --url postgresql://app@db/shop --query 'SELECT * FROM orders WHERE region = 1' --to ./eu --json",
  ],
});

export const ingestCommand: CliCommand = {
  spec,
  async run(argv: readonly string[], io: CliIO): Promise<void> {
    const { options, positionals } = parseCommand(spec, argv);
    if (positionals[0] !== 'postgres') throw new UsageError(`unknown source "${positionals[0] ?? ''}"; the supported source is postgres`, spec.name);
    if ((options.table === undefined) === (options.query === undefined)) throw new UsageError('give exactly one of --table and --query', spec.name);
    if (options.mode !== 'snapshot') throw new UsageError(`--mode ${options.mode} is not available yet; use --mode snapshot`, spec.name);
    const result = await ingestPostgresSnapshot({
      url: options.url,
      source: options.table !== undefined ? { table: options.table } : { query: options.query as string },
      target: options.to,
      mode: options.append ? 'append' : 'overwrite',
      ...(options['partition-by']?.length ? { partitionBy: options['partition-by'] } : {}),
      signal: io.signal,
    });
    const report = { source: redactUrl(options.url), ...result };
    if (options.json) return writeJson(io.stdout, report);
    await writeText(io.stdout, `Copied ${result.rows} rows into ${options.to} as version ${result.version} (${result.filesAdded} files); source snapshot at LSN ${result.position.lsn}.\n`);
  },
};
