import { redactUrl } from '../../connectors/postgres/pgConnect';
import { runPipeline } from '../../ops/ingest/runPipeline';
import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand } from '../command';
import { UsageError } from '../errors';
import { followReporters, writePipelineReport } from './pipelineReport';
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
    mode: { type: 'choice', choices: ['snapshot', 'incremental', 'cdc'], default: 'snapshot', description: 'snapshot: a full consistent copy; incremental: rows past the stored watermark, upserted by key; cdc: logical replication' },
    append: { type: 'boolean', description: 'snapshot: append to the table instead of replacing its rows' },
    'partition-by': { type: 'list', valueName: '<col,...>', description: 'partition columns of a table being created' },
    key: { type: 'list', valueName: '<col,...>', description: 'incremental: the upsert key (default: the primary key)' },
    watermark: { type: 'string', valueName: '<col>', description: 'incremental: a column that grows with every change (updated_at, or an increasing id)' },
    slot: { type: 'string', valueName: '<name>', description: 'cdc: the replication slot (created when missing; default lakehouse_<schema>_<table>)' },
    publication: { type: 'string', valueName: '<name>', description: 'cdc: the publication (created when missing; default: the slot name)' },
    once: { type: 'boolean', description: 'cdc: stop at the end of the WAL as of the start (the default)' },
    follow: { type: 'boolean', description: 'cdc: keep streaming until interrupted, reporting each commit and its lag on stderr' },
    'deletion-vectors': { type: 'boolean', description: 'cdc: a table created by the first run uses deletion vectors (cheaper commits; readers must support them)' },
    ...JSON_OPTION,
  },
  examples: [
    'PGPASSWORD=... lakehouse ingest postgres --url postgresql://app@db:5432/shop --table public.orders --to ./orders',
    'lakehouse ingest postgres --url postgresql://app@db/shop --table public.orders --to ./orders --mode incremental --watermark updated_at',
    'lakehouse ingest postgres --url postgresql://app@db/shop --table public.orders --to ./orders --mode cdc --follow',
    "lakehouse ingest postgres --url postgresql://app@db/shop --query 'SELECT * FROM orders WHERE region = 1' --to ./eu --json",
  ],
});

export const ingestCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  if (positionals[0] !== 'postgres') throw new UsageError(`unknown source "${positionals[0] ?? ''}"; the supported source is postgres`, spec.name);
  if ((options.table === undefined) === (options.query === undefined)) throw new UsageError('give exactly one of --table and --query', spec.name);
  if (options.once && options.follow) throw new UsageError('give at most one of --once and --follow', spec.name);
  const definition = {
    source: 'postgres' as const,
    url: options.url,
    to: options.to,
    mode: options.mode,
    ...(options.table === undefined ? { query: options.query as string } : { table: options.table }),
    ...(options.key?.length ? { key: options.key } : {}),
    ...(options.watermark === undefined ? {} : { watermark: options.watermark }),
    ...(options.slot === undefined ? {} : { slot: options.slot }),
    ...(options.publication === undefined ? {} : { publication: options.publication }),
    until: options.follow ? 'follow' as const : 'once' as const,
    ...(options['partition-by']?.length ? { partitionBy: options['partition-by'] } : {}),
    append: options.append,
    deletionVectors: options['deletion-vectors'],
  };
  if (definition.mode !== 'snapshot' && options.table === undefined) throw new UsageError(`--mode ${definition.mode} needs --table`, spec.name);
  if (definition.mode === 'incremental' && options.watermark === undefined) throw new UsageError('--mode incremental needs --watermark <column>', spec.name);
  const run = await runPipeline(definition, { signal: io.signal, ...(options.follow ? followReporters(io) : {}) });
  await writePipelineReport(io, run, options.to, redactUrl(options.url), options.json);
});
