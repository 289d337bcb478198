import { redactUrl } from '../../connectors/postgres/pgConnect';
import { ingestPostgresCdc } from '../../ops/ingest/ingestPostgresCdc';
import { ingestPostgresIncremental } from '../../ops/ingest/ingestPostgresIncremental';
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
    mode: { type: 'choice', choices: ['snapshot', 'incremental', 'cdc'], default: 'snapshot', description: 'snapshot: a full consistent copy; incremental: rows past the stored watermark, upserted by key; cdc: logical replication' },
    append: { type: 'boolean', description: 'snapshot: append to the table instead of replacing its rows' },
    'partition-by': { type: 'list', valueName: '<col,...>', description: 'partition columns of a table being created' },
    key: { type: 'list', valueName: '<col,...>', description: 'incremental: the upsert key (default: the primary key)' },
    watermark: { type: 'string', valueName: '<col>', description: 'incremental: a column that grows with every change (updated_at, or an increasing id)' },
    slot: { type: 'string', valueName: '<name>', description: 'cdc: the replication slot (created when missing; default lakehouse_<schema>_<table>)' },
    publication: { type: 'string', valueName: '<name>', description: 'cdc: the publication (created when missing; default: the slot name)' },
    once: { type: 'boolean', description: 'cdc: stop at the end of the WAL as of the start (the default)' },
    follow: { type: 'boolean', description: 'cdc: keep streaming until interrupted, reporting each commit and its lag on stderr' },
    ...JSON_OPTION,
  },
  examples: [
    'PGPASSWORD=... lakehouse ingest postgres --url postgresql://app@db:5432/shop --table public.orders --to ./orders',
    'lakehouse ingest postgres --url postgresql://app@db/shop --table public.orders --to ./orders --mode incremental --watermark updated_at',
    'lakehouse ingest postgres --url postgresql://app@db/shop --table public.orders --to ./orders --mode cdc --follow',
    "lakehouse ingest postgres --url postgresql://app@db/shop --query 'SELECT * FROM orders WHERE region = 1' --to ./eu --json",
  ],
});

export const ingestCommand: CliCommand = {
  spec,
  async run(argv: readonly string[], io: CliIO): Promise<void> {
    const { options, positionals } = parseCommand(spec, argv);
    if (positionals[0] !== 'postgres') throw new UsageError(`unknown source "${positionals[0] ?? ''}"; the supported source is postgres`, spec.name);
    if ((options.table === undefined) === (options.query === undefined)) throw new UsageError('give exactly one of --table and --query', spec.name);
    if (options.mode !== 'snapshot' && options.table === undefined) throw new UsageError(`--mode ${options.mode} needs --table`, spec.name);
    if (options.mode === 'incremental') {
      if (options.watermark === undefined) throw new UsageError('--mode incremental needs --watermark <column>', spec.name);
      const result = await ingestPostgresIncremental({
        url: options.url, table: options.table as string, target: options.to, watermark: options.watermark,
        ...(options.key?.length ? { key: options.key } : {}), signal: io.signal,
      });
      if (options.json) return writeJson(io.stdout, { source: redactUrl(options.url), ...result });
      await writeText(io.stdout, result.version === undefined
        ? `No row of ${options.table} is past the watermark ${result.from ?? '(none)'}; ${options.to} is unchanged.\n`
        : `Merged ${result.rows} rows into ${options.to} as version ${result.version}; watermark ${result.from ?? '(start)'} -> ${result.to ?? ''}.\n`);
      return;
    }
    if (options.mode === 'cdc') {
      if (options.once && options.follow) throw new UsageError('give at most one of --once and --follow', spec.name);
      const result = await ingestPostgresCdc({
        url: options.url, table: options.table as string, target: options.to, until: options.follow ? 'follow' : 'once',
        ...(options.slot === undefined ? {} : { slot: options.slot }),
        ...(options.publication === undefined ? {} : { publication: options.publication }),
        signal: io.signal,
        ...(options.follow ? { onCommit: (c) => { void writeText(io.stderr, `version ${c.version}: ${c.changes} changes up to LSN ${c.lsn}, lag ${c.lagMs} ms\n`); } } : {}),
      });
      if (options.json) return writeJson(io.stdout, { source: redactUrl(options.url), ...result });
      const snapshot = result.snapshot ? `snapshot of ${result.snapshot.rows} rows at LSN ${result.snapshot.lsn} (version ${result.snapshot.version}), then ` : '';
      await writeText(io.stdout, `${snapshot}${result.changes} changes in ${result.commits} commits; ${options.to} reflects ${options.table} up to LSN ${result.lsn} (slot ${result.slot}).\n`);
      return;
    }
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
