import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatDataType } from '../../../src/delta/schema';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { ingestPostgresIncremental } from '../../../src/ops/ingest/ingestPostgresIncremental';
import { ingestPostgresSnapshot } from '../../../src/ops/ingest/ingestPostgresSnapshot';
import { batchRowsText } from '../../helpers/arrowCellText';
import { MISSING_POSTGRES } from '../../helpers/postgresCluster';
import { usePostgresSuite } from '../../helpers/postgresSuite';

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
  const server = usePostgresSuite('lakehouse-pg-evolve-');

  test('snapshot: added columns and widened types evolve the table; a narrowed or changed type stops before anything is written', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    await server.admin.query(DDL('snap'));
    await server.admin.query(ROWS('snap'));
    const target = join(server.dir, 'snap');
    await ingestPostgresSnapshot({ url: server.cluster.url, source: { table: 'snap' }, target });
    await server.admin.query(EVOLVE('snap'));
    await ingestPostgresSnapshot({ url: server.cluster.url, source: { table: 'snap' }, target });
    const evolved = await deltaState(target);
    assert.deepEqual(evolved.schema, EVOLVED_SCHEMA);
    assert.deepEqual(evolved.rows, EVOLVED_ROWS);
    assert.equal(evolved.typeWidening, 'true');

    await server.admin.query('ALTER TABLE snap ALTER COLUMN note TYPE int USING length(note), ALTER COLUMN price TYPE numeric(12,1)');
    await assert.rejects(ingestPostgresSnapshot({ url: server.cluster.url, source: { table: 'snap' }, target }),
      (e: Error) => isDeltaError(e, 'SOURCE_SCHEMA_INCOMPATIBLE') && e.message.includes('public.snap')
        && /note is string in the table but integer/.test(e.message) && /price is decimal\(12,2\) in the table but decimal\(12,1\)/.test(e.message));
    assert.deepEqual(await deltaState(target), evolved, 'nothing was written');
  });

  test('incremental: the merge commit adds the new column and widens types; text -> int stops it', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    await server.admin.query(DDL('incr'));
    await server.admin.query(ROWS('incr'));
    const target = join(server.dir, 'incr');
    const run = (): ReturnType<typeof ingestPostgresIncremental> => ingestPostgresIncremental({ url: server.cluster!.url, table: 'incr', target, watermark: 'at' });
    await run();
    await server.admin.query(EVOLVE('incr'));
    const second = await run();
    assert.equal(second.rows, 1);
    const evolved = await deltaState(target);
    assert.deepEqual(evolved.schema, EVOLVED_SCHEMA);
    assert.deepEqual(evolved.rows, EVOLVED_ROWS);
    assert.equal(evolved.typeWidening, 'true');

    await server.admin.query("ALTER TABLE incr ALTER COLUMN name TYPE int USING length(name); INSERT INTO incr (id, name, at) VALUES (4, 7, '2024-01-01 00:00:04+00')");
    await assert.rejects(run(), (e: Error) => isDeltaError(e, 'SOURCE_SCHEMA_INCOMPATIBLE') && /name is string in the table but integer/.test(e.message));
    assert.deepEqual(await deltaState(target), evolved, 'nothing was written');
  });
});
