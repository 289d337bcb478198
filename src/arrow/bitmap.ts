import type { Data } from 'apache-arrow';

/** Whether logical row `index` of `data` is valid (not null), honouring the data's offset. */
export function isValidAt(data: Data, index: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return true;
  const bit = data.offset + index;
  return ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
}

/** A validity bitmap for `length` rows, or undefined when every row is valid. */
export function buildValidity(length: number, valid: (row: number) => boolean): { bitmap?: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  for (let row = 0; row < length; row++) {
    if (valid(row)) bitmap[row >> 3] = (bitmap[row >> 3] as number) | (1 << (row & 7));
    else nullCount++;
  }
  return nullCount === 0 ? { nullCount } : { bitmap, nullCount };
}
