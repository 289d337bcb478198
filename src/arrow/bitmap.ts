import type { Data } from 'apache-arrow';

/** Whether logical row `index` of `data` is valid (not null), honouring the data's offset. */
export function isValidAt(data: Data, index: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return true;
  const bit = data.offset + index;
  return ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
}
