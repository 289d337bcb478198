import { sqlState } from './pgConnect';

/** The cause of "the replication stream ended without an error": the server went away. */
export class ReplicationStreamEnded extends Error {}

/**
 * SQLSTATEs of a server that is going away or not back yet: admin_shutdown, crash_shutdown,
 * cannot_connect_now (starting up / shutting down), and the connection_exception class.
 */
const LOST_STATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
/** Socket errors while the server restarts: refused, reset, broken pipe, no unix socket yet. */
const LOST_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOENT', 'ETIMEDOUT']);

/**
 * Whether `error` (or a cause it wraps) says the connection to the server was lost or cannot be made
 * yet, as during a restart: worth reconnecting. A rejected password, a missing table or a dropped
 * slot is not.
 */
export function isConnectionLoss(error: unknown): boolean {
  for (let at: unknown = error, depth = 0; at !== undefined && at !== null && depth < 5; depth++) {
    if (at instanceof ReplicationStreamEnded) return true;
    const state = sqlState(at);
    if (state !== undefined) return LOST_STATES.has(state);
    if (typeof at === 'object' && 'code' in at && typeof at.code === 'string' && LOST_ERRNOS.has(at.code)) return true;
    if (at instanceof Error && /Connection terminated|connection (?:closed|ended)|server closed the connection/i.test(at.message)) return true;
    at = at instanceof Error ? at.cause : undefined;
  }
  return false;
}
