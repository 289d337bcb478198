import type pg from 'pg';

/** The benchmark's source table: 10 mixed columns, the same shapes as the reader and writer benchmarks. */
export const BENCH_TABLE = 'bench_rows';

/**
 * Creates and fills `bench_rows` with `rows` rows computed from the row number (no randomness, so
 * every engine copies the same values), then VACUUM ANALYZE so no run pays for hint bits.
 */
export async function createBenchTable(client: pg.Client, rows: number): Promise<void> {
  await client.query(`CREATE TABLE ${BENCH_TABLE} (
    id bigint PRIMARY KEY, quantity int NOT NULL, price float8, ratio float8, customer text, category text,
    event_date date, event_time timestamptz, amount numeric(18,2), tax numeric(10,4))`);
  await client.query(`INSERT INTO ${BENCH_TABLE}
    SELECT g, ((g * 7919) % 1000)::int, (g % 100000) / 100.0, ((g * 31) % 1000) / 997.0,
           'customer-' || (g % 50000), 'category-' || lpad((g % 24)::text, 2, '0'),
           date '2020-01-01' + (g % 3650)::int, timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second',
           ((g % 10000000) / 100.0)::numeric(18,2), ((g % 10000) / 10000.0)::numeric(10,4)
      FROM generate_series(1::bigint, ${rows}) g`);
  await client.query(`VACUUM (FREEZE, ANALYZE) ${BENCH_TABLE}`);
}
