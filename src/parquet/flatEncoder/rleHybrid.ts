import { pageBytes, type PageBuffers } from './pageBuffers';

/** Equal values in a row from which an RLE run beats bit-packing them (arrow-rs and parquet-mr use 8). */
const MIN_RUN = 8;

/**
 * `values[0, count)` (each below 2^bitWidth, bitWidth at most 24) in the RLE/bit-packed hybrid
 * encoding of the Parquet spec ("Run Length Encoding / Bit-Packing Hybrid"), after `prefix` free
 * bytes: runs of 8 or more equal values as RLE runs, the rest bit-packed in groups of 8, least
 * significant bit first. The last bit-packed group is padded with zeros. Every byte after the
 * prefix is written: `buffers` may give a reused buffer.
 */
export function encodeHybrid(values: Int32Array, count: number, bitWidth: number, prefix: number, buffers?: PageBuffers): Uint8Array {
  const valueBytes = (bitWidth + 7) >> 3;
  // Worst case: everything bit-packed, plus a header per group.
  const out = pageBytes(prefix + Math.ceil(count / 8) * (bitWidth + 5) + 16, buffers);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = prefix;
  let i = 0;
  while (i < count) {
    const run = runLength(values, i, count);
    if (run >= MIN_RUN) {
      at = writeVarint(out, at, run * 2);
      let v = values[i] as number;
      for (let b = 0; b < valueBytes; b++, v >>>= 8) out[at++] = v & 0xff;
      i += run;
      continue;
    }
    // Bit-packed groups of 8 until a run of MIN_RUN equal values starts at a group boundary.
    const start = i;
    do i += 8;
    while (i < count && (i + MIN_RUN > count || !startsRun(values, i)));
    const groups = (i - start) >> 3;
    at = writeVarint(out, at, groups * 2 + 1);
    at = packGroups(out, view, at, values, start, Math.min(i, count), i, bitWidth);
  }
  return out.subarray(0, at);
}

/**
 * Bit-packs values[from, to), then zeros up to `padTo` (the last group's padding), at `at`; returns
 * where the packed bytes end. The bits gather in one 32-bit word written whole once full (a value's
 * bits past the word carry into the next): a byte loop per value cost about twice as much.
 */
function packGroups(out: Uint8Array, view: DataView, at: number, values: Int32Array, from: number, to: number, padTo: number, bitWidth: number): number {
  let acc = 0;
  let bits = 0;
  let next = at;
  for (let k = from; k < to; k++) {
    const v = values[k] as number;
    acc |= v << bits;
    bits += bitWidth;
    if (bits >= 32) {
      view.setInt32(next, acc, true);
      next += 4;
      bits -= 32;
      // The value's bits past the word (none when it ended the word: v >>> bitWidth is 0).
      acc = v >>> (bitWidth - bits);
    }
  }
  // Zeros up to padTo: the last group's padding, bits alone.
  bits += (padTo - to) * bitWidth;
  for (; bits >= 32; bits -= 32, acc = 0) {
    view.setInt32(next, acc, true);
    next += 4;
  }
  // A whole number of bytes is left: 8 values of bitWidth bits a group.
  for (; bits > 0; bits -= 8, acc >>>= 8) out[next++] = acc & 0xff;
  return next;
}

/** How many values from `from` equal values[from]. */
function runLength(values: Int32Array, from: number, count: number): number {
  const v = values[from];
  let end = from + 1;
  while (end < count && values[end] === v) end++;
  return end - from;
}

/** Whether values[from, from + MIN_RUN) are all equal (the caller checked they exist). */
function startsRun(values: Int32Array, from: number): boolean {
  const v = values[from];
  for (let j = from + 1; j < from + MIN_RUN; j++) if (values[j] !== v) return false;
  return true;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  let rest = value;
  let i = at;
  while (rest >= 0x80) {
    out[i++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  out[i++] = rest;
  return i;
}
