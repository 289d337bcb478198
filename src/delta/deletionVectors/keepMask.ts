import type { DeletedRows } from './deletedRows';
import { RoaringBitmapArray } from './roaringBitmapArray';

/**
 * For the rows [start, start + length) of a data file, 1 where the row survives and 0 where the
 * deletion vector deletes it: the filter a scan applies to one record batch.
 */
export function keepMask(deleted: DeletedRows, start: number, length: number): Uint8Array {
  if (deleted instanceof RoaringBitmapArray) return deleted.keepMask(start, length);
  const mask = new Uint8Array(length);
  for (let i = 0; i < length; i++) mask[i] = deleted.has(start + i) ? 0 : 1;
  return mask;
}
