import { DeltaError } from '../delta/errors';

const READ_ONLY_CODES: ReadonlySet<string> = new Set(['EROFS', 'EACCES', 'EPERM']);
const FULL_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);

/**
 * The error a failed write of `location` (an absolute path or URL) should surface: a read-only
 * location or a full disk become DeltaErrors with stable codes and what to do, since those are the
 * two failures a user fixes outside the program; anything else is passed on unchanged.
 */
export function storageWriteError(error: unknown, location: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && READ_ONLY_CODES.has(code)) {
    return new DeltaError('DELTA_STORAGE_READ_ONLY',
      `Cannot write ${location}: the location is read-only (${code}). Make it writable or write the table elsewhere.`, { cause: error });
  }
  if (code !== undefined && FULL_CODES.has(code)) {
    return new DeltaError('DELTA_STORAGE_FULL',
      `Cannot write ${location}: no space left on the device (${code}). Free some space (VACUUM removes files no version needs) and run the write again.`,
      { cause: error });
  }
  return error;
}
