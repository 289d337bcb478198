import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { serverClients } from './serverProcess';

const execFileAsync = promisify(execFile);

/** The superuser initdb creates; tests connect as it over the unix socket (trust auth). */
export const CLUSTER_SUPERUSER = 'lakehouse';
/** A password-protected role, reachable over TCP with scram: for credential tests. */
export const PASSWORD_USER = 'ingest_user';
export const PASSWORD = 'correct horse';

/** A throwaway PostgreSQL cluster in a temp dir: wal_level=logical, a free port, its socket in the dir. */
export interface PostgresCluster {
  /** Directory of the unix socket (the `host` for pg). */
  socketDir: string;
  port: number;
  /** A libpq URL over the unix socket as the superuser, to database `postgres`. */
  url: string;
  /** A URL over TCP (127.0.0.1) as PASSWORD_USER, without the password (give it through PGPASSWORD). */
  tcpUrlWithoutPassword: string;
  /** A connected client (superuser); closed by stop(). */
  client(): Promise<pg.Client>;
  /** Fast shutdown (every session is cut, as by `pg_ctl restart -m fast`), then the same cluster starts again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Debian's server binaries (`apt-get install postgresql`): the newest /usr/lib/postgresql/<major>/bin. */
export function findPostgresBinDir(): string | undefined {
  const fromEnv = process.env.LAKEHOUSE_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = join(root, major, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres'))) return bin;
  }
  return undefined;
}

export const MISSING_POSTGRES = 'missing PostgreSQL server: no /usr/lib/postgresql/<major>/bin (apt-get install postgresql, or set LAKEHOUSE_PG_BIN)';

/**
 * Starts a cluster; without server binaries it throws with CI=true (.ci/run installs them) and
 * otherwise returns undefined, so the tests skip with MISSING_POSTGRES. Nothing is installed here.
 */
export async function startPostgresCluster(): Promise<PostgresCluster | undefined> {
  const bin = findPostgresBinDir();
  if (bin === undefined) {
    if (process.env.CI === 'true') throw new Error(MISSING_POSTGRES);
    return undefined;
  }
  return startCluster(bin);
}

async function startCluster(bin: string): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'lakehouse-pg-'));
  const dataDir = join(dir, 'data');
  // The server refuses to run as root; as root it runs as the Debian `postgres` user, who must own
  // the dir. Spawning with uid/gid (rather than through runuser) keeps the server our direct child,
  // so signals reach it and it never outlives the test.
  const owner = userInfo().uid === 0 ? await ownerOf('postgres') : undefined;
  if (owner) chownSync(dir, ...owner);
  chmodSync(dir, 0o700);
  const as = owner ? { uid: owner[0], gid: owner[1] } : {};
  await execFileAsync(join(bin, 'initdb'), ['-D', dataDir, '-U', CLUSTER_SUPERUSER, '--auth-local=trust',
    '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { ...as, cwd: dir });
  const port = await freePort();
  let serverLog = '';
  const startServer = (): ChildProcess => {
    const started = spawn(join(bin, 'postgres'), serverArgs(dataDir, dir, port), { ...as, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    started.stderr?.on('data', (chunk: Buffer) => { serverLog = (serverLog + chunk.toString()).slice(-8000); });
    return started;
  };
  let server = startServer();

  const url = `postgresql://${CLUSTER_SUPERUSER}@${encodeURIComponent(dir)}:${port}/postgres`;
  const { connect, client, endClients } = serverClients({ host: dir, port, user: CLUSTER_SUPERUSER, database: 'postgres' });
  const stop = async (): Promise<void> => {
    await endClients();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(connect, server, () => serverLog);
    const admin = await connect();
    await admin.query(`CREATE ROLE ${PASSWORD_USER} LOGIN REPLICATION PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
    await admin.query(`GRANT pg_read_all_data TO ${PASSWORD_USER}`);
    await admin.end();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    socketDir: dir,
    port,
    url,
    tcpUrlWithoutPassword: `postgresql://${PASSWORD_USER}@127.0.0.1:${port}/postgres`,
    client,
    async restart() {
      await stopServer(server);
      server = startServer();
      await waitUntilReady(connect, server, () => serverLog);
    },
    stop,
  };
}

function serverArgs(dataDir: string, socketDir: string, port: number): string[] {
  return ['-D', dataDir, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1',
    '-c', 'wal_level=logical', '-c', 'max_wal_senders=10', '-c', 'max_replication_slots=10',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
}

async function ownerOf(user: string): Promise<[number, number]> {
  const { stdout: uid } = await execFileAsync('id', ['-u', user]);
  const { stdout: gid } = await execFileAsync('id', ['-g', user]);
  return [Number(uid.trim()), Number(gid.trim())];
}

async function waitUntilReady(connect: () => Promise<pg.Client>, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited with code ${server.exitCode}:\n${log()}`);
    try {
      const client = await connect();
      await client.end();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s:\n${log()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // SIGINT is postgres' "fast shutdown": it disconnects clients and exits cleanly.
  server.kill('SIGINT');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A port the kernel just handed out: free at the time of asking (the server binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
