/** Bytes a pooled buffer's size is rounded up to: pages of one column then fit each other's buffers. */
const GRAIN = 64 * 1024;
/** The most bytes kept for reuse: a few slices of pages in flight, of ten or so columns. */
const MAX_POOLED = 64 * 1024 * 1024;

/**
 * Page bodies reused once their page is compressed. An encoder made a new buffer per column and
 * page (half a MiB for 65,536 longs): ~330 MiB for 5M rows of ten columns, each mapped and zeroed
 * by the allocator and each counted towards V8's external memory, which set off extra garbage
 * collections. A body taken here is not zeroed: its encoder writes every byte of what it hands on.
 */
export class PageBuffers {
  private readonly free: ArrayBuffer[] = [];
  private pooled = 0;

  /** A buffer of at least `bytes` bytes, of stale content. */
  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = (this.free[i] as ArrayBuffer).byteLength;
      if (length >= bytes && (best < 0 || length < (this.free[best] as ArrayBuffer).byteLength)) best = i;
    }
    if (best < 0) return new ArrayBuffer(Math.ceil(Math.max(bytes, 1) / GRAIN) * GRAIN);
    const buffer = this.free[best] as ArrayBuffer;
    this.free[best] = this.free[this.free.length - 1] as ArrayBuffer;
    this.free.pop();
    this.pooled -= buffer.byteLength;
    return buffer;
  }

  /** Takes back a buffer from `take` that nothing reads any more. */
  give(buffer: ArrayBufferLike): void {
    if (!(buffer instanceof ArrayBuffer) || this.pooled + buffer.byteLength > MAX_POOLED) return;
    this.free.push(buffer);
    this.pooled += buffer.byteLength;
  }
}

/** `length` 32-bit words for a page body: pooled (stale) with `buffers`, else new (zeroed). */
export function pageWords(length: number, buffers: PageBuffers | undefined): Int32Array {
  return buffers ? new Int32Array(buffers.take(length * 4), 0, length) : new Int32Array(length);
}

/** `length` bytes for a page body: pooled (stale) with `buffers`, else new (zeroed). */
export function pageBytes(length: number, buffers: PageBuffers | undefined): Uint8Array {
  return buffers ? new Uint8Array(buffers.take(length), 0, length) : new Uint8Array(length);
}
