import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { formatDataType } from '../../../src/delta/schema';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { ingestPostgresIncremental } from '../../../src/ops/ingest/ingestPostgresIncremental';
import { ingestPostgresSnapshot } from '../../../src/ops/ingest/ingestPostgresSnapshot';
import { batchRowsText } from '../../helpers/arrowCellText';
import { MISSING_POSTGRES, startPostgresCluster, type PostgresCluster } from '../../helpers/postgresCluster';

/** The table's schema as `name type`, its rows as text sorted by the first column, and its version. */
async function deltaState(location: string): Promise<{ schema: string[]; rows: (string | null)[][]; version: number; typeWidening?: string }> {
  const snapshot = await (await DeltaTable.open(location)).snapshot();
  const rows = batchRowsText(await snapshot.scan().collect()).sort((a, b) => Number(a[0]) - Number(b[0]));
  const typeWidening = snapshot.metadata.configuration?.['delta.enableTypeWidening'];
  return {
    schema: snapshot.schema.fields.map((f) => `${f.name} ${formatDataType(f.type)}`), rows, version: snapshot.version,
    ...(typeWidening === undefined ? {} : { typeWidening }),
  };
}

const DDL = (table: string): string => `CREATE TABLE ${table} (id int PRIMARY KEY, name varchar(5) NOT NULL, qty int, price numeric(8,2), at timestamptz NOT NULL)`;
const ROWS = (table: string): string => `INSERT INTO ${table} VALUES (1, 'a', 10, 1.50, '2024-01-01 00:00:01+00'), (2, 'bb', NULL, 2.25, '2024-01-01 00:00:02+00')`;
/** ADD COLUMN, int -> bigint, varchar(5) -> text, numeric(8,2) -> numeric(12,2), then a row only the new types hold. */
const EVOLVE = (table: string): string => `ALTER TABLE ${table} ADD COLUMN note text;
  ALTER TABLE ${table} ALTER COLUMN qty TYPE bigint, ALTER COLUMN name TYPE text, ALTER COLUMN price TYPE numeric(12,2);
  INSERT INTO ${table} VALUES (3, 'a longer name', 5000000000, 1234567890.12, '2024-01-01 00:00:03+00', 'new column')`;
const EVOLVED_SCHEMA = ['id integer', 'name string', 'qty long', 'price decimal(12,2)', 'at timestamp', 'note string'];
const EVOLVED_ROWS = [
  ['1', 'a', '10', '1.5', '1704067201000000', null],
  ['2', 'bb', null, '2.25', '1704067202000000', null],
  ['3', 'a longer name', '5000000000', '1234567890.12', '1704067203000000', 'new column'],
];

describe('PostgreSQL source schema changes (real server)', () => {
  let cluster: PostgresCluster | undefined;
  let admin: pg.Client;
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakehouse-pg-evolve-'));
    cluster = await startPostgresCluster();
    if (!cluster) return;
    admin = await cluster.client();
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('snapshot: added columns and widened types evolve the table; a narrowed or changed type stops before anything is written', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    await admin.query(DDL('snap'));
    await admin.query(ROWS('snap'));
    const target = join(dir, 'snap');
    await ingestPostgresSnapshot({ url: cluster.url, source: { table: 'snap' }, target });
    await admin.query(EVOLVE('snap'));
    await ingestPostgresSnapshot({ url: cluster.url, source: { table: 'snap' }, target });
    const evolved = await deltaState(target);
    assert.deepEqual(evolved.schema, EVOLVED_SCHEMA);
    assert.deepEqual(evolved.rows, EVOLVED_ROWS);
    assert.equal(evolved.typeWidening, 'true');

    await admin.query('ALTER TABLE snap ALTER COLUMN note TYPE int USING length(note), ALTER COLUMN price TYPE numeric(12,1)');
    await assert.rejects(ingestPostgresSnapshot({ url: cluster.url, source: { table: 'snap' }, target }),
      (e: Error) => isDeltaError(e, 'SOURCE_SCHEMA_INCOMPATIBLE') && e.message.includes('public.snap')
        && /note is string in the table but integer/.test(e.message) && /price is decimal\(12,2\) in the table but decimal\(12,1\)/.test(e.message));
    assert.deepEqual(await deltaState(target), evolved, 'nothing was written');
  });

  test('incremental: the merge commit adds the new column and widens types; text -> int stops it', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    await admin.query(DDL('incr'));
    await admin.query(ROWS('incr'));
    const target = join(dir, 'incr');
    const run = (): ReturnType<typeof ingestPostgresIncremental> => ingestPostgresIncremental({ url: cluster!.url, table: 'incr', target, watermark: 'at' });
    await run();
    await admin.query(EVOLVE('incr'));
    const second = await run();
    assert.equal(second.rows, 1);
    const evolved = await deltaState(target);
    assert.deepEqual(evolved.schema, EVOLVED_SCHEMA);
    assert.deepEqual(evolved.rows, EVOLVED_ROWS);
    assert.equal(evolved.typeWidening, 'true');

    await admin.query("ALTER TABLE incr ALTER COLUMN name TYPE int USING length(name); INSERT INTO incr (id, name, at) VALUES (4, 7, '2024-01-01 00:00:04+00')");
    await assert.rejects(run(), (e: Error) => isDeltaError(e, 'SOURCE_SCHEMA_INCOMPATIBLE') && /name is string in the table but integer/.test(e.message));
    assert.deepEqual(await deltaState(target), evolved, 'nothing was written');
  });
});
