import { readFileSync } from 'node:fs';

/** A `kB` field of /proc/self/status (VmRSS, VmHWM), in KiB. */
export function procStatusKiB(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error(`/proc/self/status has no ${field} line; the benchmark needs Linux`);
  return Number(match[1]);
}
