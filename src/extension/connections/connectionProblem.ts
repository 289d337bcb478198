import { isDeltaError } from '../../delta/errors';
import type { PgConnectionProfile } from './pgConnectionProfile';

/** Node's socket error codes that mean "nothing answered there", whatever the credentials. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there (is the server running, and is the port right?)',
  ENOTFOUND: 'the host name is unknown',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  ENOENT: 'there is no server socket in that directory (is the server running, and is the port right?)',
};

/**
 * What a failed connection test tells the user: the cause in words that point at the field to fix
 * (password, host, port, database), with the server's own text after it. Pure, for unit tests.
 */
export function connectionProblem(error: unknown, profile: Omit<PgConnectionProfile, 'name'>): string {
  const where = `${profile.host}:${profile.port}`;
  const cause = isDeltaError(error) ? error.cause : error;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const detail = cause instanceof Error ? cause.message : String(cause);
  if (code === '28P01') return `The password for user "${profile.user}" was rejected by ${where}. Enter the right password.`;
  if (code === '28000') return `${where} refused user "${profile.user}" (${detail}). Check the user name, or the server's pg_hba.conf.`;
  if (code === '3D000') return `${where} has no database "${profile.database}".`;
  if (code !== undefined && UNREACHABLE[code]) return `Cannot reach PostgreSQL at ${where}: ${UNREACHABLE[code]}.`;
  if (/timeout|terminated unexpectedly/i.test(detail)) return `Cannot reach PostgreSQL at ${where}: no answer in time, or the connection was dropped (check the host, the port and any firewall).`;
  if (/password/i.test(detail)) return `${where} needs a password for user "${profile.user}" (${detail}).`;
  return error instanceof Error ? error.message : String(error);
}
