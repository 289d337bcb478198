import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type pg from 'pg';
import { startPostgresCluster, type PostgresCluster } from './postgresCluster';

/** What the tests of one PostgreSQL suite share, filled by the suite's before hook. */
export class PostgresSuite {
  /** Undefined when no PostgreSQL server is installed: tests skip with MISSING_POSTGRES. */
  cluster: PostgresCluster | undefined;
  /** A temp dir for the suite's tables, removed after it. */
  dir = '';
  private client: pg.Client | undefined;

  /** A superuser connection to the suite's server. */
  get admin(): pg.Client {
    if (!this.client) throw new Error('no PostgreSQL connection: the suite has no server (check cluster first)');
    return this.client;
  }

  set admin(client: pg.Client) {
    this.client = client;
  }
}

/**
 * Registers, in the calling describe, the hooks that start a private PostgreSQL server, connect
 * as superuser, run `setup` (tables, rows) and make a temp dir named `<dirPrefix>...`, and that
 * stop the server and remove the dir afterwards.
 */
export function usePostgresSuite(dirPrefix: string, setup?: (admin: pg.Client) => Promise<void>): PostgresSuite {
  const suite = new PostgresSuite();
  before(async () => {
    suite.dir = mkdtempSync(join(tmpdir(), dirPrefix));
    suite.cluster = await startPostgresCluster();
    if (!suite.cluster) return;
    suite.admin = await suite.cluster.client();
    await setup?.(suite.admin);
  });
  after(async () => {
    await suite.cluster?.stop();
    rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}
