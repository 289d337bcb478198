import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { to as copyTo } from 'pg-copy-streams';
import type pg from 'pg';
import { copyOut } from '../../../src/connectors/postgres/copyOutStream';
import { MISSING_POSTGRES, startPostgresCluster, type PostgresCluster } from '../../helpers/postgresCluster';

async function collect(stream: AsyncIterable<Buffer>): Promise<{ bytes: Buffer; chunks: number }> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

describe('copyOut: COPY TO STDOUT read off the socket (real server)', () => {
  let cluster: PostgresCluster | undefined;
  let client: pg.Client;

  before(async () => {
    cluster = await startPostgresCluster();
    if (cluster) client = await cluster.client();
  });
  after(async () => {
    await client?.end();
    await cluster?.stop();
  });

  test('yields the same bytes as pg-copy-streams (binary and text, many socket chunks); the connection goes on', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    // About 6 MiB: messages (one per row) straddle many socket reads.
    const select = "SELECT g, repeat(md5(g::text), g % 7) AS s, g * 0.5 AS f FROM generate_series(1, 60000) g";
    for (const format of ['binary', 'text']) {
      const sql = `COPY (${select}) TO STDOUT (FORMAT ${format})`;
      const ours = await collect(client.query(copyOut(sql)));
      const theirs = await collect(client.query(copyTo(sql)) as AsyncIterable<Buffer>);
      assert.ok(ours.chunks > 10, `${format}: ${ours.chunks} chunks`);
      assert.equal(ours.bytes.length, theirs.bytes.length, format);
      assert.ok(ours.bytes.equals(theirs.bytes), format);
    }
    const after = await client.query<{ n: number }>('SELECT 41 + 1 AS n');
    assert.equal(after.rows[0]?.n, 42);
  });

  test('a server error before or amid the rows rejects with its message; the connection goes on', async (t) => {
    if (!cluster) return t.skip(MISSING_POSTGRES);
    await assert.rejects(collect(client.query(copyOut('COPY (SELECT * FROM no_such_table) TO STDOUT (FORMAT binary)'))), /no_such_table/);
    // Division by zero at row 40,000, after the first rows have been sent.
    const failing = 'COPY (SELECT g, 1 / (40000 - g) AS x, repeat(\'x\', 100) FROM generate_series(1, 80000) g) TO STDOUT (FORMAT binary)';
    let received = 0;
    await assert.rejects((async () => {
      for await (const chunk of client.query(copyOut(failing)) as AsyncIterable<Buffer>) received += chunk.length;
    })(), /division by zero/);
    assert.ok(received > 100_000, `${received} bytes before the error`);
    const after = await client.query<{ n: number }>('SELECT 41 + 1 AS n');
    assert.equal(after.rows[0]?.n, 42);
  });
});
