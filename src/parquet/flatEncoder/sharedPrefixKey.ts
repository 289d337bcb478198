/**
 * Where two byte values (ranges of one buffer, the running min and max of a page's strings) first
 * differ, a word at a time: the offset of their first differing big-endian word, within the first
 * 12 bytes, with their equal words before it written to `words` (three); -1 when those 12 bytes are
 * all shared. A value that starts with those words and whose word at that offset lies strictly
 * between theirs lies strictly between them: BytesColumn bounds most values with that one check
 * instead of two comparisons (ids with a common prefix, such as `customer-0012345`).
 */
export function sharedPrefixKey(view: DataView, aStart: number, aEnd: number, bStart: number, bEnd: number, words: number[]): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let at = 0; at < 12; at += 4) {
    if (at + 4 > n) return at;
    const word = view.getUint32(aStart + at);
    if (word !== view.getUint32(bStart + at)) return at;
    words[at >> 2] = word;
  }
  return -1;
}

/** The big-endian word of the bytes [at, at + 4) of a value ending at `end`, zero past its end. */
export function keyWord(view: DataView, at: number, end: number): number {
  let word = 0;
  for (let k = 0; k < 4; k++) word = word * 256 + (at + k < end ? view.getUint8(at + k) : 0);
  return word;
}
