/**
 * One 16-bit Roaring container: the low 16 bits of up to 65536 row indexes that share their
 * higher bits. The three kinds are those of the Roaring format specification
 * (github.com/RoaringBitmap/RoaringFormatSpec), kept in their serialized shape so decoding is a
 * copy and a run of a million deleted rows stays a handful of bytes in memory.
 */
export type RoaringContainer =
  /** Sorted, distinct values; at most 4096 of them. */
  | { readonly kind: 'array'; readonly values: Uint16Array }
  /** 65536 bits in 2048 words; bit j of the container is bit (j & 31) of word (j >>> 5). */
  | { readonly kind: 'bitset'; readonly words: Uint32Array; readonly cardinality: number }
  /** Pairs (start, length - 1) of non-overlapping, ascending runs. */
  | { readonly kind: 'run'; readonly runs: Uint16Array; readonly cardinality: number };

/** The spec's threshold: a non-run container with more values than this is a bitset. */
export const MAX_ARRAY_CARDINALITY = 4096;
export const BITSET_WORDS = 2048;
export const BITSET_BYTES = BITSET_WORDS * 4;

export function containerCardinality(container: RoaringContainer): number {
  return container.kind === 'array' ? container.values.length : container.cardinality;
}

export function containerHas(container: RoaringContainer, low: number): boolean {
  switch (container.kind) {
    case 'array':
      return binarySearch(container.values, low) >= 0;
    case 'bitset':
      return ((container.words[low >>> 5]! >>> (low & 31)) & 1) === 1;
    case 'run': {
      const { runs } = container;
      let lo = 0;
      let hi = runs.length / 2 - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const start = runs[2 * mid]!;
        if (low < start) hi = mid - 1;
        else if (low > start + runs[2 * mid + 1]!) lo = mid + 1;
        else return true;
      }
      return false;
    }
  }
}

/** Calls `visit` with every value of the container in ascending order. */
export function forEachInContainer(container: RoaringContainer, visit: (low: number) => void): void {
  switch (container.kind) {
    case 'array':
      for (const value of container.values) visit(value);
      return;
    case 'bitset':
      for (let w = 0; w < BITSET_WORDS; w++) {
        let word = container.words[w]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          visit(w * 32 + bit);
          word &= word - 1;
        }
      }
      return;
    case 'run':
      for (let r = 0; r < container.runs.length; r += 2) {
        const end = container.runs[r]! + container.runs[r + 1]!;
        for (let value = container.runs[r]!; value <= end; value++) visit(value);
      }
      return;
  }
}

/**
 * Sets mask[value - from] = 0 for every container value in [from, to), where from and to are
 * offsets inside the container (0..65536).
 */
export function clearContainerInMask(container: RoaringContainer, from: number, to: number, mask: Uint8Array): void {
  switch (container.kind) {
    case 'array': {
      const { values } = container;
      for (let i = lowerBound(values, from); i < values.length && values[i]! < to; i++) mask[values[i]! - from] = 0;
      return;
    }
    case 'bitset':
      for (let value = from; value < to; value++) {
        if ((value & 31) === 0 && container.words[value >>> 5] === 0) {
          value += 31; // skip an empty word at once
          continue;
        }
        if ((container.words[value >>> 5]! >>> (value & 31)) & 1) mask[value - from] = 0;
      }
      return;
    case 'run':
      for (let r = 0; r < container.runs.length; r += 2) {
        const start = Math.max(container.runs[r]!, from);
        const end = Math.min(container.runs[r]! + container.runs[r + 1]! + 1, to);
        if (start < end) mask.fill(0, start - from, end - from);
      }
      return;
  }
}

/**
 * Builds the smallest container for sorted, distinct values, choosing as the reference
 * implementations' run optimisation does: runs only when strictly smaller than the array or bitset
 * the cardinality would otherwise dictate.
 */
export function containerFromSortedValues(values: Uint16Array): RoaringContainer {
  let runCount = values.length === 0 ? 0 : 1;
  for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]! + 1) runCount++;
  const plainBytes = values.length <= MAX_ARRAY_CARDINALITY ? 2 * values.length : BITSET_BYTES;
  if (2 + 4 * runCount < plainBytes) {
    const runs = new Uint16Array(2 * runCount);
    let r = -2;
    for (let i = 0; i < values.length; i++) {
      if (i > 0 && values[i] === values[i - 1]! + 1) runs[r + 1]!++;
      else {
        r += 2;
        runs[r] = values[i]!;
      }
    }
    return { kind: 'run', runs, cardinality: values.length };
  }
  if (values.length <= MAX_ARRAY_CARDINALITY) return { kind: 'array', values: values.slice() };
  const words = new Uint32Array(BITSET_WORDS);
  for (const value of values) words[value >>> 5]! |= 1 << (value & 31);
  return { kind: 'bitset', words, cardinality: values.length };
}

/** Bytes the container takes in the portable serialization. */
export function containerSerializedSize(container: RoaringContainer): number {
  switch (container.kind) {
    case 'array':
      return 2 * container.values.length;
    case 'bitset':
      return BITSET_BYTES;
    case 'run':
      return 2 + 2 * container.runs.length;
  }
}

function binarySearch(values: Uint16Array, target: number): number {
  const i = lowerBound(values, target);
  return i < values.length && values[i] === target ? i : -1;
}

function lowerBound(values: Uint16Array, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
