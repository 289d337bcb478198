/**
 * One measurement of the PostgreSQL snapshot benchmark in a fresh process (bundled like the CLI):
 * our snapshot ingest, or the raw binary COPY stream read and discarded by the same pg client.
 */
import { to as copyTo } from 'pg-copy-streams';
import { copyOut } from '../src/connectors/postgres/copyOutStream';
import { connectPostgres } from '../src/connectors/postgres/pgConnect';
import { ingestPostgresSnapshot } from '../src/ops/ingest/ingestPostgresSnapshot';
import { procStatusKiB } from './procStatus';
import type { PostgresBenchJob, PostgresChildResult } from './postgresJob';

/** Reads the whole stream and keeps nothing but its size: no row is parsed. */
async function rawCopy(url: string, table: string, reader: 'copyOut' | 'pg-copy-streams'): Promise<{ bytes: number }> {
  const client = await connectPostgres({ url });
  try {
    const sql = `COPY (SELECT * FROM ${table}) TO STDOUT (FORMAT binary)`;
    const stream = client.query(reader === 'copyOut' ? copyOut(sql) : copyTo(sql));
    let bytes = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
    return { bytes };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as PostgresBenchJob;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let outcome: { rows?: number; bytes: number };
  if (job.op === 'copy') {
    outcome = await rawCopy(job.url, job.table, job.reader);
  } else {
    const result = await ingestPostgresSnapshot({ url: job.url, source: { table: job.table }, target: job.target });
    outcome = { rows: result.rows, bytes: result.bytesAdded };
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const result: PostgresChildResult = { ...outcome, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakKiB: procStatusKiB('VmHWM') };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
