import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cdcRefusal } from '../../../src/connectors/postgres/pgCdcCapability';

const POSTGRES = 'PostgreSQL 15.10 (Debian 15.10-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit';
const PGLITE = 'PostgreSQL 18.6 (PGlite 0.5.14) on wasm32-unknown-emscripten, compiled by emcc 6.0.5, 32-bit';
const QUESTDB = 'PostgreSQL 12.3, compiled by Visual C++ build 1914, 64-bit, QuestDB';
const INSTEAD = /Nothing was created on the server\. Use --mode incremental --watermark <column> \(with --key <columns> when the table has no primary key\) instead, or --mode snapshot\.$/;

describe('cdcRefusal: which servers cdc mode refuses before creating anything', () => {
  test('PostgreSQL with wal_level logical and the replication catalog is accepted', () => {
    assert.equal(cdcRefusal({ version: POSTGRES, walLevel: 'logical', replication: true }), undefined);
  });

  test('PostgreSQL with wal_level replica is refused with the setting to change', () => {
    const message = cdcRefusal({ version: POSTGRES, walLevel: 'replica', replication: true }) ?? '';
    assert.match(message, /^PostgreSQL 15\.10 cannot do cdc: wal_level is "replica", and logical replication needs wal_level = logical \(set it in postgresql\.conf or with ALTER SYSTEM SET wal_level = logical, then restart the server\)\. /);
    assert.match(message, INSTEAD);
  });

  test('PGlite is refused for its one session even if its wal_level were logical', () => {
    const message = cdcRefusal({ version: PGLITE, walLevel: 'replica', replication: true }) ?? '';
    assert.match(message, /^PGlite 0\.5\.14 \(PostgreSQL 18\.6\) cannot do cdc: it serves one session and has no logical replication \(wal_level is replica\), which a replication connection would hold until the server restarts\. /);
    assert.match(message, INSTEAD);
    assert.match(cdcRefusal({ version: PGLITE, walLevel: 'logical', replication: true }) ?? '', /^PGlite 0\.5\.14 \(PostgreSQL 18\.6\) cannot do cdc: it serves one session, which a replication connection would hold until the server restarts\. /);
  });

  test('a server without the replication catalog is refused with its own words', () => {
    const message = cdcRefusal({ version: QUESTDB, replication: false, missing: 'unknown function name: to_regproc(STRING)' }) ?? '';
    assert.match(message, /^QuestDB cannot do cdc: it has no logical replication \(pg_create_logical_replication_slot and pg_publication are missing; the server said "unknown function name: to_regproc\(STRING\)"\)\. /);
    assert.match(message, INSTEAD);
    assert.match(cdcRefusal({ version: '', replication: false }) ?? '', /^This server cannot do cdc: it has no logical replication \(pg_create_logical_replication_slot and pg_publication are missing\)\. /);
    assert.match(cdcRefusal({ version: 'CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu)', walLevel: 'logical', replication: false }) ?? '', /^CockroachDB CCL v23\.1\.11 cannot do cdc/);
  });
});
