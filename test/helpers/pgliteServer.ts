import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { REPO_ROOT } from './peers';
import { freePort } from './postgresCluster';
import { serverReady, spawnServer } from './serverProcess';

/** PGlite's socket server script, installed by .ci/run into .cache/pglite (not a project dependency: its peers are 7 extension packages). */
const SERVER_SCRIPT = join(REPO_ROOT, '.cache', 'pglite', 'node_modules', '@electric-sql', 'pglite-socket', 'dist', 'scripts', 'server.js');

export const MISSING_PGLITE = `missing PGlite: no ${SERVER_SCRIPT} (bash .ci/run installs @electric-sql/pglite and @electric-sql/pglite-socket there from npm)`;

/** An in-memory PGlite database behind its socket server on a free loopback port. */
export interface PgliteServer {
  url: string;
  /** A connected client; closed by stop(). Use one at a time: every connection shares PGlite's one session. */
  client(): Promise<pg.Client>;
  stop(): Promise<void>;
}

/** Starts PGlite; without it installed it throws with CI=true and otherwise returns undefined (tests skip with MISSING_PGLITE). */
export async function startPglite(): Promise<PgliteServer | undefined> {
  if (!existsSync(SERVER_SCRIPT)) {
    if (process.env.CI === 'true') throw new Error(MISSING_PGLITE);
    return undefined;
  }
  const port = await freePort();
  // More than one connection is accepted, so a test's own client can stay open while the ingest runs.
  const server = spawnServer(process.execPath, [SERVER_SCRIPT, '--db=memory://', '--host=127.0.0.1', `--port=${port}`, '--max-connections=4']);
  const { client, stop } = await serverReady('PGlite', server, { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    client,
    stop,
  };
}
