import pg from 'pg';
import { DeltaError } from '../../delta/errors';

export interface PgConnectionOptions {
  /** A libpq URL, e.g. `postgresql://user@host:5432/db`; a password in it works but is never shown. */
  url: string;
  /** Overrides PGPASSWORD (which pg reads itself when neither is given). */
  password?: string;
  /** A logical replication connection (`replication=database`): replication commands plus simple SQL. */
  replication?: boolean;
  /** Give up connecting after this long (default: wait as long as the OS does, minutes for a dropped SYN). */
  connectTimeoutMs?: number;
}

/** SQLSTATE classes that mean "fix your connection settings" rather than "the query failed". */
const CONNECTION_STATES: Record<string, string> = {
  '28P01': 'the password was rejected (set PGPASSWORD to the right one)',
  '28000': 'the server refused this user (check pg_hba.conf and the user name)',
  '3D000': 'the database does not exist',
  '42501': 'the user lacks a privilege this needs',
};

/** Connects and prepares the session: UTF-8, ISO dates, ISO 8601 intervals (the string form we store). */
export async function connectPostgres(options: PgConnectionOptions): Promise<pg.Client> {
  // pg lets the URL's fields override separate settings (an absent password included), so an
  // explicit password goes into the URL itself.
  // @types/pg does not declare `replication`, which pg passes on as a startup parameter.
  const config: pg.ClientConfig & { replication?: string } = {
    connectionString: withPassword(options.url, options.password),
    application_name: 'lakehouse-ingest',
    ...(options.replication ? { replication: 'database' } : {}),
    ...(options.connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: options.connectTimeoutMs }),
  };
  const client = new pg.Client(config);
  // An idle client's socket error would otherwise be an uncaught 'error' event that kills the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(error, options.url);
  }
  // One statement each: QuestDB's answer to several in one query breaks pg's protocol handling.
  for (const setting of ["client_encoding = 'UTF8'", "datestyle = 'ISO'", "intervalstyle = 'iso_8601'"]) await client.query(`SET ${setting}`);
  return client;
}

function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', 'The connection string must be a URL like postgresql://user@host:5432/database.', { cause });
  }
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable connection URL)';
  }
}

function connectionError(error: unknown, url: string): DeltaError {
  const where = redactUrl(url);
  const code = sqlState(error);
  const hint = code === undefined ? undefined : CONNECTION_STATES[code];
  const message = error instanceof Error ? error.message : String(error);
  return new DeltaError('SOURCE_CONNECTION_FAILED',
    `Cannot connect to PostgreSQL at ${where}: ${hint ? `${hint} (${message})` : message}.`, { cause: error });
}

/** The SQLSTATE of a server error, if `error` is one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
