import type { Table } from 'apache-arrow';

/** A free buffer is reused for a request of at least this share of its size (less would waste it). */
const MIN_FILL = 0.5;
/**
 * Free bytes held at most: over one decoded row group of the writer bench (~150 MiB of the worker's
 * buffers), what a rewrite decoding one group ahead gives back before its next decode. Lower caps
 * cost memory too: a buffer dropped stays mapped until both threads collect it, while the next
 * decode allocates anew (96 MiB, two groups ahead then: DELETE peak +108 MiB, CPU +330 ms).
 */
const MAX_FREE_BYTES = 256 * 1024 * 1024;
/** Free buffers are dropped once none was taken or given for this long (the rewrite is over). */
const IDLE_MS = 2000;
/** A fresh buffer's size is rounded up to a multiple of 1/16 of its power of two (at most 6.25% more). */
const SIZE_STEPS_LOG2 = 4;

/**
 * `byteLength` rounded up to a size class: the buffers of the same column (or of the same chunks)
 * in the next row group, a few KiB larger or smaller, then fit each other's. Exact sizes left the
 * one given back unused beside a fresh one a little larger: the row-group file bytes of the writer
 * bench's DELETE took a second 39 MiB buffer with a 39 MiB one free.
 */
export function sizeClass(byteLength: number): number {
  if (byteLength <= 1 << SIZE_STEPS_LOG2) return byteLength;
  const step = 2 ** (Math.floor(Math.log2(byteLength)) - SIZE_STEPS_LOG2);
  return Math.ceil(byteLength / step) * step;
}

/**
 * Column buffers that a decode's caller gave back once done with the rows, for the next decode to
 * take instead of fresh memory. A copy-on-write rewrite decodes one row group after the other, each
 * ~90 MiB of fresh buffers in the writer bench: touching fresh memory (page faults) and the full GCs
 * that external memory drives cost more than reusing warm buffers (rewriteAB, 2 files: process CPU
 * 2262 -> 2032 ms, GC pauses 348 -> 225 ms, same bytes written).
 */
export class RecycledBuffers {
  private free: ArrayBufferLike[] = [];
  private freeBytes = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  /**
   * `shared`: fresh buffers are SharedArrayBuffers. V8 counts an isolate's ArrayBuffers as external
   * memory, whose growth starts full GCs, and not shared ones: the Parquet worker's column buffers
   * (~110 MiB per row group of the writer bench, transferred out and back for every group) then
   * stop driving its mark-compacts. They cross to the caller shared, not transferred, and come back
   * the same way. MERGE A/B, 5 pairs: process CPU 5786 -> 5463 ms, the worker's 1420 -> 1320 ms,
   * peak +31 MiB. (TypedArray fill/set on shared memory are slower: take() no longer zeroes the
   * decoder's buffers, before which the shared pool cost 8% more decode CPU.)
   */
  constructor(private readonly shared = false) {}

  /**
   * `byteLength` bytes (a view from offset 0), in a given-back buffer when one fits: zeroed unless
   * `zeroed` is false (the caller writes every byte it reads: a reused buffer's old bytes stay).
   */
  take(byteLength: number, zeroed = true): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = (this.free[i] as ArrayBufferLike).byteLength;
      if (size >= byteLength && size * MIN_FILL <= byteLength && (best < 0 || size < (this.free[best] as ArrayBufferLike).byteLength)) best = i;
    }
    if (best < 0) {
      const size = sizeClass(byteLength);
      return new Uint8Array(this.shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size), 0, byteLength);
    }
    const buffer = this.free.splice(best, 1)[0] as ArrayBufferLike;
    this.freeBytes -= buffer.byteLength;
    this.keepAlive();
    const view = new Uint8Array(buffer, 0, byteLength);
    // As a fresh buffer is, for a caller that does not write every byte.
    return zeroed ? view.fill(0) : view;
  }

  /** Takes back buffers nothing views any more (a caller that still reads them gets wrong rows). */
  give(buffers: Iterable<ArrayBufferLike>): void {
    for (const buffer of buffers) {
      if (buffer.byteLength === 0 || this.freeBytes + buffer.byteLength > MAX_FREE_BYTES) continue;
      this.free.push(buffer);
      this.freeBytes += buffer.byteLength;
    }
    this.keepAlive();
  }

  /** Bytes held free (for tests). */
  get heldBytes(): number {
    return this.freeBytes;
  }

  private keepAlive(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = this.free.length === 0 ? undefined : setTimeout(() => {
      this.free = [];
      this.freeBytes = 0;
      this.idle = undefined;
    }, IDLE_MS);
    this.idle?.unref();
  }
}

/** Where a decode's column buffers come from. */
export interface ColumnBuffers {
  /** `byteLength` bytes, a view from offset 0 of its buffer: zeroed unless `zeroed` is false (see RecycledBuffers.take). */
  bytes(byteLength: number, zeroed?: boolean): Uint8Array;
  /** A buffer from `bytes` that was outgrown while decoding (nothing views it). */
  drop(view: Uint8Array | Int32Array): void;
}

/** Fresh memory for every buffer: decodes whose tables are not given back. */
export const FRESH_BUFFERS: ColumnBuffers = { bytes: (byteLength) => new Uint8Array(byteLength), drop: () => undefined };

/** The buffers one decode took for its columns: what its caller gives back once done with the rows. */
export class DecodeAllocations implements ColumnBuffers {
  readonly taken = new Set<ArrayBufferLike>();

  constructor(private readonly pool: RecycledBuffers | undefined) {}

  bytes(byteLength: number, zeroed = true): Uint8Array {
    const view = this.pool ? this.pool.take(byteLength, zeroed) : new Uint8Array(byteLength);
    this.taken.add(view.buffer);
    return view;
  }

  drop(view: Uint8Array | Int32Array): void {
    const buffer = view.buffer;
    if (!this.taken.delete(buffer)) return;
    this.pool?.give([buffer]);
  }
}

/** How to hand a decoded table's buffers back to where they were taken from. */
const giveBacks = new WeakMap<Table, () => void>();

/** Notes that `table`'s column buffers may be given back through `giveBack` (see recycleTable). */
export function recyclable(table: Table, giveBack: () => void): Table {
  giveBacks.set(table, giveBack);
  return table;
}

/**
 * Hands `table`'s column buffers back to the decoder that took them, for its next decode: only
 * once nothing reads the table, nor any batch or view of it, any more. A no-op for other tables.
 */
export function recycleTable(table: Table): void {
  const giveBack = giveBacks.get(table);
  giveBacks.delete(table);
  giveBack?.();
}
