import { DeltaError } from '../../delta/errors';

/**
 * A WAL position ("pg_lsn": `X/Y`, two 32-bit halves in hex) as a number. 2^53 bytes of WAL is
 * 8 PiB, far beyond any server's lifetime, so a double holds every LSN exactly; Delta's txn
 * version (a long) stores it as is.
 */
export function parseLsn(text: string): number {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!match) throw new DeltaError('SOURCE_QUERY_FAILED', `"${text}" is not a WAL position (pg_lsn like 0/16B3748).`);
  return parseInt(match[1] as string, 16) * 2 ** 32 + parseInt(match[2] as string, 16);
}

export function formatLsn(lsn: number): string {
  const high = Math.floor(lsn / 2 ** 32);
  const low = lsn - high * 2 ** 32;
  return `${high.toString(16).toUpperCase()}/${low.toString(16).toUpperCase()}`;
}
