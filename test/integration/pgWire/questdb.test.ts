import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type pg from 'pg';
import { listPgSchemas, listPgTables } from '../../../src/connectors/postgres/pgCatalog';
import { connectPostgres } from '../../../src/connectors/postgres/pgConnect';
import { isDeltaError } from '../../../src/delta/errors';
import { formatDataType } from '../../../src/delta/schema';
import { DeltaTable } from '../../../src/delta/table';
import { ingestPostgresCdc } from '../../../src/ops/ingest/ingestPostgresCdc';
import { ingestPostgresIncremental, WATERMARK_DOMAIN_PREFIX } from '../../../src/ops/ingest/ingestPostgresIncremental';
import { ingestPostgresSnapshot } from '../../../src/ops/ingest/ingestPostgresSnapshot';
import { batchRowsText } from '../../helpers/arrowCellText';
import { MISSING_QUESTDB, startQuestDb } from '../../helpers/questdbServer';
import { wireServerFixture } from './wireServerFixture';

type Row = (string | null)[];

/** QuestDB's types with PostgreSQL wire equivalents; a designated timestamp `ts`, and `updated_at` for the watermark. */
const DDL = `CREATE TABLE items (id LONG, name VARCHAR, sym SYMBOL, qty DOUBLE, price DECIMAL(12,2), n INT, s SHORT,
  f FLOAT, flag BOOLEAN, d DATE, u UUID, updated_at TIMESTAMP, ts TIMESTAMP) timestamp(ts) PARTITION BY DAY BYPASS WAL`;

/** Every tenth row has NULLs where QuestDB has them (its SHORT and BOOLEAN have none). */
const rowsFrom = (first: number, count: number, updatedAt: string): string => `INSERT INTO items
  SELECT x + ${first - 1}, CASE WHEN x % 10 = 0 THEN NULL ELSE 'item ' || x || ' é' END, CASE WHEN x % 3 = 0 THEN 'a' ELSE 'b' END,
         CASE WHEN x % 10 = 0 THEN NULL ELSE x / 4.0 END, cast(x * 1.25 as DECIMAL(12,2)), CASE WHEN x % 10 = 0 THEN NULL ELSE cast(x as INT) * -7 END,
         cast(x % 100 as SHORT), cast(x / 8.0 as FLOAT), x % 2 = 0, CASE WHEN x % 10 = 0 THEN NULL ELSE cast(x * 86400000 as DATE) END,
         CASE WHEN x % 10 = 0 THEN NULL ELSE to_uuid(x, x * 3) END, ${updatedAt}, cast(1704067200000000 + x * 1000001 as TIMESTAMP)
    FROM long_sequence(${count})`;

/** The source rendered by QuestDB itself: timestamps and dates as µs since the epoch, numbers as text. */
const SOURCE_ROWS = `SELECT cast(id as string), name, sym, cast(qty as string), cast(price as string), cast(n as string), cast(s as string),
  cast(f as string), cast(flag as string), cast(d as long) * 1000, cast(u as string), cast(updated_at as long), cast(ts as long) FROM items`;

/** Numbers compared by value (QuestDB writes 1.0 where Arrow's text is 1), everything else as text. */
function canonical(rows: Row[], numeric: readonly number[]): Row[] {
  return rows.map((row) => row.map((cell, i) => (cell !== null && numeric.includes(i) ? String(Number(cell)) : cell)))
    .sort((a, b) => Number(a[0]) - Number(b[0]));
}

async function source(client: pg.Client, sql: string, numeric: readonly number[]): Promise<Row[]> {
  const result = await client.query<Row>({ text: sql, rowMode: 'array', types: { getTypeParser: () => (value: string) => value } });
  return canonical(result.rows, numeric);
}

async function delta(location: string, numeric: readonly number[]): Promise<Row[]> {
  const snapshot = await (await DeltaTable.open(location)).snapshot();
  return canonical(batchRowsText(await snapshot.scan().collect()), numeric);
}

const ITEM_NUMBERS = [3, 4, 7];

describe('QuestDB over the PostgreSQL wire protocol (no COPY TO: read by SELECT)', () => {
  const wire = wireServerFixture('questdb', startQuestDb, async (admin) => {
    await admin.query(DDL);
    await admin.query(rowsFrom(1, 10_000, 'cast(1704067200000000 + x * 1000001 as TIMESTAMP)'));
  });

  test('snapshot of a table and of a query: the Delta rows are the source rows', async (t) => {
    if (!wire.server) return t.skip(MISSING_QUESTDB);
    const connection = { url: wire.server.url, password: wire.server.password };
    const target = join(wire.dir, 'items');
    const result = await ingestPostgresSnapshot({ ...connection, source: { table: 'items' }, target });
    assert.deepEqual([result.rows, result.transfer, result.position, result.primaryKey], [10_000, 'select', undefined, []]);
    const table = await (await DeltaTable.open(target)).snapshot();
    assert.deepEqual(table.schema.fields.map((f) => `${f.name} ${formatDataType(f.type)}`), [
      'id long', 'name string', 'sym string', 'qty double', 'price decimal(38,18)', 'n integer', 's short', 'f float',
      'flag boolean', 'd timestamp_ntz', 'u string', 'updated_at timestamp_ntz', 'ts timestamp_ntz']);
    const rows = await delta(target, ITEM_NUMBERS);
    assert.equal(rows.length, 10_000);
    assert.deepEqual(rows, await source(wire.admin, SOURCE_ROWS, ITEM_NUMBERS));
    assert.deepEqual(rows[9], ['10', null, 'b', null, '12.5', null, '10', '1.25', 'true', null, null, '1704067210000010', '1704067210000010']);

    const query = join(wire.dir, 'query');
    const fromQuery = await ingestPostgresSnapshot({ ...connection, source: { query: 'SELECT id, name, ts FROM items WHERE id % 7 = 0' }, target: query });
    assert.equal(fromQuery.rows, 1428);
    assert.deepEqual(await delta(query, []), await source(wire.admin, 'SELECT cast(id as string), name, cast(ts as long) FROM items WHERE id % 7 = 0', []));
  });

  test('incremental by a timestamp watermark and --key: inserts and updates land once, a rerun adds nothing', async (t) => {
    if (!wire.server) return t.skip(MISSING_QUESTDB);
    const target = join(wire.dir, 'incremental');
    const run = () => ingestPostgresIncremental({ url: wire.server!.url, password: wire.server!.password, table: 'items', target, watermark: 'updated_at', key: ['id'] });
    const first = await run();
    assert.deepEqual([first.rows, first.from, first.to, first.appId], [10_000, null, '2024-01-01 02:46:40.010000', 'pg:qdb/public.items']);
    assert.deepEqual([(await run()).rows, (await run()).version], [0, undefined]);

    await wire.admin.query("UPDATE items SET name = 'renamed', updated_at = dateadd('d', 400, updated_at) WHERE id % 1000 = 0");
    await wire.admin.query(rowsFrom(10_001, 20, "cast('2025-06-01T00:00:00.000000Z' as TIMESTAMP)"));
    const second = await run();
    assert.deepEqual([second.rows, second.from, second.to], [30, first.to, '2025-06-01 00:00:00.000000']);
    const rows = await delta(target, ITEM_NUMBERS);
    assert.equal(rows.length, 10_020);
    assert.deepEqual(rows, await source(wire.admin, SOURCE_ROWS, ITEM_NUMBERS));
    assert.equal(rows.find((r) => r[0] === '5000')?.[1], 'renamed');

    const snapshot = await (await DeltaTable.open(target)).snapshot();
    const domain = snapshot.domainMetadata(`${WATERMARK_DOMAIN_PREFIX}pg:qdb/public.items`);
    assert.deepEqual(JSON.parse(domain?.configuration ?? '{}'), { column: 'updated_at', value: '2025-06-01 00:00:00.000000', pgType: 'timestamp' });
    assert.equal((await run()).rows, 0);
  });

  test('the catalog a browser lists: schemas and tables from information_schema, no row estimates', async (t) => {
    if (!wire.server) return t.skip(MISSING_QUESTDB);
    const client = await connectPostgres({ url: wire.server.url, password: wire.server.password });
    try {
      assert.deepEqual(await listPgSchemas(client), ['public']);
      assert.deepEqual(await listPgTables(client, 'public'), [{ schema: 'public', name: 'items', kind: 'table', rowEstimate: null, primaryKey: [] }]);
    } finally {
      await client.end();
    }
  });

  test('cdc is refused before anything is asked of the table, naming QuestDB and the way out; the server keeps answering', async (t) => {
    if (!wire.server) return t.skip(MISSING_QUESTDB);
    const target = join(wire.dir, 'cdc');
    await assert.rejects(ingestPostgresCdc({ url: wire.server.url, password: wire.server.password, table: 'items', target, until: 'once' }),
      (error) => isDeltaError(error, 'SOURCE_CDC_UNSUPPORTED')
        && /^QuestDB cannot do cdc: it has no logical replication \(.*the server said "unknown function name: to_regproc.*--mode incremental --watermark <column> \(with --key <columns>/.test(error.message));
    assert.equal(await DeltaTable.open(target).then(() => true, () => false), false);
    assert.deepEqual((await wire.admin.query<{ count: string }>('SELECT count() AS count FROM items')).rows, [{ count: '10020' }]);
  });

  test('binary values, which QuestDB sends raw in text format, are refused rather than mangled', async (t) => {
    if (!wire.server) return t.skip(MISSING_QUESTDB);
    const target = join(wire.dir, 'binary');
    await assert.rejects(
      ingestPostgresSnapshot({ url: wire.server.url, password: wire.server.password, source: { query: 'SELECT x AS id, rnd_bin(4, 4, 0) AS payload FROM long_sequence(3)' }, target }),
      (error) => isDeltaError(error, 'SOURCE_TYPE_UNSUPPORTED') && /payload/.test(error.message));
    assert.equal(await DeltaTable.open(target).then(() => true, () => false), false);
  });
});
