import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isDeltaError } from '../../../src/delta/errors';
import { formatDataType } from '../../../src/delta/schema';
import { DeltaTable } from '../../../src/delta/table';
import { ingestPostgresCdc } from '../../../src/ops/ingest/ingestPostgresCdc';
import { batchRowsText } from '../../helpers/arrowCellText';
import { MISSING_POSTGRES } from '../../helpers/postgresCluster';
import { usePostgresSuite } from '../../helpers/postgresSuite';

async function deltaState(location: string): Promise<{ schema: string[]; rows: (string | null)[][]; version: number }> {
  const snapshot = await (await DeltaTable.open(location)).snapshot();
  const rows = batchRowsText(await snapshot.scan().collect()).sort((a, b) => Number(a[0]) - Number(b[0]));
  return { schema: snapshot.schema.fields.map((f) => `${f.name} ${formatDataType(f.type)}`), rows, version: snapshot.version };
}

describe('lakehouse ingest postgres --mode cdc: source schema changes (real server)', () => {
  const server = usePostgresSuite('lakehouse-cdc-ddl-');

  test('ADD COLUMN and widened types (also inside a transaction that changes rows around the DDL) evolve the table; text -> int stops it with nothing written', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    await server.admin.query('CREATE TABLE ev (id int PRIMARY KEY, name varchar(5) NOT NULL, qty int)');
    await server.admin.query("INSERT INTO ev VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', NULL)");
    const target = join(server.dir, 'ev');
    const once = (): ReturnType<typeof ingestPostgresCdc> => ingestPostgresCdc({ url: server.cluster!.url, table: 'ev', target, slot: 'ev_slot', until: 'once' });
    await once();

    await server.admin.query("UPDATE ev SET qty = 11 WHERE id = 1");
    await server.admin.query('ALTER TABLE ev ADD COLUMN note text');
    await server.admin.query("ALTER TABLE ev ALTER COLUMN qty TYPE bigint, ALTER COLUMN name TYPE text");
    await server.admin.query("INSERT INTO ev VALUES (4, 'a longer name', 5000000000, 'added')");
    await server.admin.query("BEGIN; UPDATE ev SET qty = 21 WHERE id = 2; ALTER TABLE ev ADD COLUMN extra int; UPDATE ev SET extra = 7, note = 'both' WHERE id = 3; COMMIT");
    await server.admin.query('DELETE FROM ev WHERE id = 1');
    const streamed = await once();
    assert.equal(streamed.changes, 5);
    const evolved = await deltaState(target);
    assert.deepEqual(evolved.schema, ['id integer', 'name string', 'qty long', 'note string', 'extra integer']);
    assert.deepEqual(evolved.rows, [
      ['2', 'b', '21', null, null],
      ['3', 'c', null, 'both', '7'],
      ['4', 'a longer name', '5000000000', 'added', null],
    ]);

    await server.admin.query("ALTER TABLE ev ALTER COLUMN note TYPE int USING length(note); UPDATE ev SET note = 9 WHERE id = 4");
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(once(), (e: Error) => isDeltaError(e, 'SOURCE_SCHEMA_INCOMPATIBLE') && e.message.includes('public.ev')
        && /note is string in the table but integer/.test(e.message) && /new --slot/.test(e.message));
    }
    assert.deepEqual(await deltaState(target), evolved, 'nothing was written, and a rerun stops at the same place');
  });

  test('ADD COLUMN with a DEFAULT (existing rows get it without a logged change) and a dropped key stop with what to do', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    await server.admin.query('CREATE TABLE dflt (id int PRIMARY KEY, name text)');
    await server.admin.query("INSERT INTO dflt VALUES (1, 'a'), (2, 'b')");
    const target = join(server.dir, 'dflt');
    const once = (): ReturnType<typeof ingestPostgresCdc> => ingestPostgresCdc({ url: server.cluster!.url, table: 'dflt', target, slot: 'dflt_slot', until: 'once' });
    await once();
    await server.admin.query("UPDATE dflt SET name = 'before' WHERE id = 1");
    await server.admin.query("ALTER TABLE dflt ADD COLUMN flag boolean NOT NULL DEFAULT true; INSERT INTO dflt VALUES (3, 'c', false)");
    await assert.rejects(once(), (e: Error) => isDeltaError(e, 'SOURCE_SCHEMA_INCOMPATIBLE') && /flag of "?public"?\.dflt was added with a DEFAULT/.test(e.message) && /new --slot/.test(e.message));
    assert.deepEqual((await deltaState(target)).rows, [['1', 'before'], ['2', 'b']], 'what came before the ALTER is committed');

    await server.admin.query('ALTER TABLE dflt DROP COLUMN id');
    await assert.rejects(ingestPostgresCdc({ url: server.cluster.url, table: 'dflt', target, slot: 'dflt_slot', until: 'once' }),
      (e: Error) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT') && /no primary key, which cdc mode needs/.test(e.message));
  });
});
