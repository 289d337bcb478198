import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { connectPostgres } from '../../../src/connectors/postgres/pgConnect';
import { PgSnapshotReader, type PgSnapshotOptions } from '../../../src/connectors/postgres/pgSnapshotReader';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { addConstraint } from '../../../src/delta/write/addConstraint';
import type { WriteSummary } from '../../../src/delta/write/writeSummary';
import { writeSnapshotInWorkers, type SnapshotWriteOptions } from '../../../src/ops/ingest/writeSnapshotInWorkers';
import { batchRowsText } from '../../helpers/arrowCellText';
import { MISSING_POSTGRES } from '../../helpers/postgresCluster';
import { usePostgresSuite } from '../../helpers/postgresSuite';
import { canonicalSourceRows } from './allTypesTable';

/** Mixed flat columns with NULLs, keys with a gap: the halves split the key range, not the rows. */
const MIXED_DDL = `
  CREATE TABLE mixed (id bigint PRIMARY KEY, i int, f float8, t text NOT NULL, d date, ts timestamptz, n numeric(18,2));
  INSERT INTO mixed SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 1000 END, g / 3.0, md5(g::text),
    DATE '2020-01-01' + (g % 900), TIMESTAMPTZ '2024-03-01 00:00:00+00' + g * INTERVAL '1 minute', (g % 100000) / 100.0
  FROM generate_series(-6000, 14000) g WHERE g NOT BETWEEN 100 AND 2000;
  ANALYZE mixed;`;

/** No primary key, some ids twice: the workers split it by heap pages (ctid), about 400 of them. */
const KEYLESS_DDL = `
  CREATE TABLE keyless (id bigint NOT NULL, t text, n numeric(10,2), f float8);
  INSERT INTO keyless SELECT g % 38000, CASE WHEN g % 11 = 0 THEN NULL ELSE md5(g::text) END, (g % 9000) / 100.0, g / 7.0
  FROM generate_series(1, 40000) g;`;

/** Rows as text, in one order whatever order they were read in (a keyless table may repeat an id). */
const sortedRows = (rows: (string | null)[][]): (string | null)[][] => rows.map((row) => ({ row, key: JSON.stringify(row) }))
  .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ row }) => row);

describe('snapshot data files written by the COPY workers (real server)', () => {
  const server = usePostgresSuite('lakehouse-file-workers-', async (admin) => {
    await admin.query(MIXED_DDL);
    await admin.query(KEYLESS_DDL);
  });

  /** Opens a reader whose workers run for any table size, writes through them, and returns what happened. */
  async function writeInWorkers(target: string, options: Partial<SnapshotWriteOptions> = {}, url = server.cluster?.url ?? '', reader: Partial<PgSnapshotOptions> = {}): Promise<{ summary: WriteSummary | undefined; reader: PgSnapshotReader }> {
    const client = await connectPostgres({ url });
    try {
      const opened = await PgSnapshotReader.open(client, { table: 'mixed' }, {
        connection: { url }, workerMinRows: 0, fileWorkersMinRows: 0, workerPatienceMs: 600_000, limits: { rows: 2000, bytes: 1 << 30 }, ...reader,
      });
      // After the snapshot: never in the table.
      await server.admin.query('INSERT INTO mixed VALUES (50000, 1, 1, \'later\', NULL, NULL, NULL) ON CONFLICT DO NOTHING');
      const summary = await writeSnapshotInWorkers(target, opened, { mode: 'overwrite', schema: opened.schema.deltaSchema, mergeSchema: true, ...options });
      await opened.close();
      return { summary, reader: opened };
    } finally {
      await client.end();
      await server.admin.query('DELETE FROM mixed WHERE id = 50000');
    }
  }

  test('two workers write every row once with its values and stats; the caller commits them, and a rerun overwrites', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'mixed');
    let progress = 0;
    const { summary, reader } = await writeInWorkers(target, { onProgress: (done) => { progress = done; } });
    const expected = await canonicalSourceRows(server.admin, reader.schema.columns, 'mixed');
    assert.deepEqual({ rows: summary?.rowsAdded, version: summary?.version, progress, readBy: reader.readBy, streams: reader.streams },
      { rows: expected.length, version: 0, progress: expected.length, readBy: 'worker', streams: 2 });

    const snapshot = await (await DeltaTable.open(target)).snapshot();
    const ours = batchRowsText(await snapshot.scan().collect()).sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(ours, expected);
    const files = snapshot.files();
    assert.equal(files.length, summary?.filesAdded);
    assert.ok(files.length >= 2, 'one file per worker at least');
    const stats = files.map((f) => JSON.parse(f.stats ?? '{}') as { numRecords: number; minValues: { id: number }; maxValues: { id: number }; nullCount: { i: number } });
    assert.equal(stats.reduce((n, s) => n + s.numRecords, 0), expected.length);
    assert.deepEqual([Math.min(...stats.map((s) => s.minValues.id)), Math.max(...stats.map((s) => s.maxValues.id))], [-6000, 14000]);
    assert.equal(stats.reduce((n, s) => n + s.nullCount.i, 0), expected.filter((row) => row[1] === null).length);

    await server.admin.query('DELETE FROM mixed WHERE id > 10000');
    const again = await writeInWorkers(target);
    const second = await (await DeltaTable.open(target)).snapshot();
    assert.deepEqual({ version: again.summary?.version, removed: again.summary?.filesRemoved, rows: second.files().reduce((n, f) => n + (JSON.parse(f.stats ?? '{}') as { numRecords: number }).numRecords, 0) },
      { version: 1, removed: files.length, rows: expected.filter((row) => Number(row[0]) <= 10000).length });
  });

  /**
   * Snapshots `keyless` through the file workers; `meanwhile` runs in another session once the
   * reader holds its snapshot (after the expected rows are read) and until the write ends.
   */
  async function writeKeyless(target: string, meanwhile?: (done: () => boolean) => Promise<void>): Promise<{ summary: WriteSummary | undefined; reader: PgSnapshotReader; expected: (string | null)[][] }> {
    const url = server.cluster?.url ?? '';
    const client = await connectPostgres({ url });
    try {
      const reader = await PgSnapshotReader.open(client, { table: 'keyless' }, {
        connection: { url }, workerMinRows: 0, fileWorkersMinRows: 0, workerPatienceMs: 600_000, limits: { rows: 3000, bytes: 1 << 30 },
      });
      const expected = sortedRows(await canonicalSourceRows(server.admin, reader.schema.columns, 'keyless'));
      let finished = false;
      const changes = meanwhile?.(() => finished);
      try {
        const summary = await writeSnapshotInWorkers(target, reader, { mode: 'overwrite', schema: reader.schema.deltaSchema });
        return { summary, reader, expected };
      } finally {
        finished = true;
        await changes;
        await reader.close();
      }
    } finally {
      await client.end();
    }
  }

  async function tableRows(target: string): Promise<(string | null)[][]> {
    return sortedRows(batchRowsText(await (await DeltaTable.open(target)).snapshot().then((s) => s.scan().collect())));
  }

  test('a table without a primary key is split by heap pages: two workers, every row once', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'keyless');
    const { summary, reader, expected } = await writeKeyless(target);
    assert.deepEqual({ rows: summary?.rowsAdded, readBy: reader.readBy, streams: reader.streams }, { rows: 40000, readBy: 'worker', streams: 2 });
    assert.ok((summary?.filesAdded ?? 0) >= 2, 'one file per worker at least');
    assert.deepEqual(await tableRows(target), expected);
  });

  test('a keyless table changed during the snapshot (inserts, updates that move rows to new pages, deletes) ends as the snapshot saw it', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'keyless-busy');
    const writer = await server.cluster.client();
    let rounds = 0;
    const change = async (): Promise<void> => {
      const at = 100_000 + rounds * 500;
      await writer.query(`INSERT INTO keyless SELECT g, 'late', 1, 1 FROM generate_series(${at}, ${at + 499}) g`);
      await writer.query(`UPDATE keyless SET t = 'moved', f = -f WHERE id % 97 = ${rounds % 97}`);
      await writer.query(`DELETE FROM keyless WHERE id % 89 = ${rounds % 89}`);
      rounds++;
    };
    try {
      const { summary, reader, expected } = await writeKeyless(target, async (done) => {
        // At least one round before the rows are read; then on while the workers copy (bounded).
        await change();
        while (!done() && rounds < 200) await change();
      });
      assert.deepEqual({ readBy: reader.readBy, streams: reader.streams, rows: summary?.rowsAdded }, { readBy: 'worker', streams: 2, rows: expected.length });
      assert.deepEqual(await tableRows(target), expected);
      const now = await canonicalSourceRows(server.admin, reader.schema.columns, 'keyless');
      assert.notDeepEqual(sortedRows(now), expected, 'the source changed after the snapshot');
    } finally {
      await writer.end();
    }
  });

  test('a CHECK constraint some rows violate refuses the write: no commit, and the failing worker leaves no file', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'checked');
    await writeInWorkers(target);
    await addConstraint(target, 'known_keys', 'id <= 14000');
    await server.admin.query('INSERT INTO mixed SELECT g, 1, 1, \'new\' FROM generate_series(14001, 14500) g');
    try {
      await assert.rejects(writeInWorkers(target), (e: unknown) => isDeltaError(e, 'DELTA_CONSTRAINT_VIOLATION') && e.message.includes('id <= 14000') && e.message.includes('violated by 500 rows'));
    } finally {
      await server.admin.query('DELETE FROM mixed WHERE id > 14000');
    }
    const snapshot = await (await DeltaTable.open(target)).snapshot();
    assert.equal(snapshot.version, 1);
    // Only the upper half's worker met the violation: it deleted its files, the lower half's are orphans for VACUUM.
    const committed = new Set(snapshot.files().map((f) => f.path));
    const onDisk = readdirSync(target).filter((name) => name.endsWith('.parquet'));
    assert.ok(onDisk.length >= committed.size && onDisk.length <= committed.size + 1, `files on disk: ${onDisk.length}, committed: ${committed.size}`);
  });

  test('an abort stops both workers: no table is created', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    const target = join(server.dir, 'aborted');
    const controller = new AbortController();
    await assert.rejects(
      writeInWorkers(target, { signal: controller.signal, onProgress: () => controller.abort(new Error('stop here')) }, server.cluster.url, { signal: controller.signal }),
      (e: unknown) => e instanceof Error && e.message === 'stop here');
    assert.equal(existsSync(join(target, '_delta_log')), false);
  });

  test('a role allowed one connection: the workers are turned down before any row, and batches() reads in the reader\'s session at once', async (t) => {
    if (!server.cluster) return t.skip(MISSING_POSTGRES);
    await server.admin.query('CREATE ROLE solo_writer LOGIN CONNECTION LIMIT 1');
    await server.admin.query('GRANT SELECT, INSERT, DELETE ON mixed TO solo_writer');
    const url = server.cluster.url.replace(/^postgresql:\/\/[^@]+@/, 'postgresql://solo_writer@');
    const client = await connectPostgres({ url });
    try {
      const reader = await PgSnapshotReader.open(client, { table: 'mixed' }, { connection: { url }, workerMinRows: 0, fileWorkersMinRows: 0, workerPatienceMs: 600_000 });
      assert.equal(await writeSnapshotInWorkers(join(server.dir, 'solo'), reader, { mode: 'overwrite', schema: reader.schema.deltaSchema }), undefined);
      let rows = 0;
      for await (const batch of reader.batches()) rows += batch.numRows;
      await reader.close();
      const expected = (await server.admin.query<{ n: number }>('SELECT count(*)::int AS n FROM mixed')).rows[0]?.n;
      assert.deepEqual({ rows, readBy: reader.readBy }, { rows: expected, readBy: 'session' });
    } finally {
      await client.end();
    }
  });
});
