import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { REPO_ROOT } from './peers';
import { freePort } from './postgresCluster';
import { serverReady, spawnServer } from './serverProcess';

/** QuestDB's built-in user and password (server.conf pg.user / pg.password). */
const USER = 'admin';
const PASSWORD = 'quest';

/** A throwaway QuestDB server (PostgreSQL wire protocol only) in a temp dir, on a free loopback port. */
export interface QuestDbServer {
  port: number;
  /** A libpq URL without the password (pass PASSWORD as `password`). */
  url: string;
  password: string;
  /** A connected client; closed by stop(). */
  client(): Promise<pg.Client>;
  stop(): Promise<void>;
}

const QUESTDB_DIR = join(REPO_ROOT, '.cache', 'questdb');

export const MISSING_QUESTDB = `missing QuestDB: no ${QUESTDB_DIR}/questdb-<version>.jar (bash .ci/run fetches it from Maven Central, or set LAKEHOUSE_QUESTDB_JAR)`;

/** The jar .ci/run copies from Maven Central (org.questdb:questdb, which carries its native libraries). */
function findQuestDbJar(): string | undefined {
  const fromEnv = process.env.LAKEHOUSE_QUESTDB_JAR;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  if (!existsSync(QUESTDB_DIR)) return undefined;
  const jar = readdirSync(QUESTDB_DIR).filter((f) => /^questdb-[\d.]+\.jar$/.test(f)).sort().pop();
  return jar === undefined ? undefined : join(QUESTDB_DIR, jar);
}

/**
 * Starts QuestDB; without its jar it throws with CI=true (.ci/run installs it) and otherwise
 * returns undefined, so the tests skip with MISSING_QUESTDB.
 */
export async function startQuestDb(): Promise<QuestDbServer | undefined> {
  const jar = findQuestDbJar();
  if (jar === undefined) {
    if (process.env.CI === 'true') throw new Error(MISSING_QUESTDB);
    return undefined;
  }
  const root = mkdtempSync(join(tmpdir(), 'lakehouse-questdb-'));
  const port = await freePort();
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  // Only the PostgreSQL endpoint, on loopback; no web console, no line protocol, no telemetry.
  const env = {
    ...process.env,
    QDB_PG_NET_BIND_TO: `127.0.0.1:${port}`,
    QDB_HTTP_ENABLED: 'false', QDB_HTTP_MIN_ENABLED: 'false', QDB_LINE_TCP_ENABLED: 'false', QDB_LINE_UDP_ENABLED: 'false',
    QDB_TELEMETRY_ENABLED: 'false', QDB_SHARED_WORKER_COUNT: '1', QDB_PG_WORKER_COUNT: '1',
  };
  const server = spawnServer(java, ['-Xms64m', '-Xmx512m', '-p', jar, '-m', 'io.questdb/io.questdb.ServerMain', '-d', root], { env, cwd: root });
  const { client, stop } = await serverReady('QuestDB', server, { host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'qdb' }, () => rmSync(root, { recursive: true, force: true }));
  return {
    port,
    url: `postgresql://${USER}@127.0.0.1:${port}/qdb`,
    password: PASSWORD,
    client,
    stop,
  };
}
