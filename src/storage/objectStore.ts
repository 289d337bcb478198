/** Metadata of one stored object. Paths are relative to the store root, '/'-separated. */
export interface ObjectMeta {
  path: string;
  size: number;
  /** Last modification, milliseconds since the epoch. */
  modifiedMs: number;
}

/** An object being written by ObjectStore.openWrite. */
export interface ObjectWriter {
  /** Appends the bytes of `parts`, one after the other. A failure leaves nothing behind (as `abort`). */
  write(parts: readonly Uint8Array[]): Promise<void>;
  /** Publishes the object at its path. A failure leaves nothing behind (as `abort`). */
  close(): Promise<void>;
  /** Drops what was written: no partial object is left. Harmless after a failure or a second call. */
  abort(): Promise<void>;
}

/**
 * All engine I/O goes through this interface, so the protocol logic never touches a file system
 * directly and other stores (S3-compatible, Azure) can be added later.
 */
export interface ObjectStore {
  /** Human-readable location of the store root, for messages. */
  readonly root: string;
  /**
   * Objects directly under `prefix` (a folder path ending in '/' or ''), sorted by path.
   * With `startAfter`, only paths lexicographically greater than it.
   */
  list(prefix: string, options?: { startAfter?: string; recursive?: boolean }): Promise<ObjectMeta[]>;
  get(path: string): Promise<Uint8Array>;
  /** Bytes [start, end) of the object. */
  getRange(path: string, start: number, end: number): Promise<Uint8Array>;
  /**
   * Bytes from `start` of the object into `into` (all of it unless the object ends first), for a
   * caller that reuses its buffers; returns how many were read. Optional: callers use getRange
   * for a store without it.
   */
  getRangeInto?(path: string, start: number, into: Uint8Array): Promise<number>;
  /** Metadata, or undefined when the object does not exist. */
  head(path: string): Promise<ObjectMeta | undefined>;
  /** Writes (or replaces) an object. Not for commits: use putIfAbsent. */
  put(path: string, data: Uint8Array): Promise<void>;
  /**
   * `put` of the object whose bytes are `parts` one after the other, without joining them first
   * (a large data file made of its pages). Optional: callers join the parts for a store without it.
   */
  putParts?(path: string, parts: readonly Uint8Array[]): Promise<void>;
  /**
   * Starts an object written piece by piece (a data file whose row groups are written as they
   * close, so memory never holds the whole file): it appears at `path`, complete, only once
   * `close` resolves. Optional: callers use putParts or put for a store without it.
   */
  openWrite?(path: string): Promise<ObjectWriter>;
  /**
   * Atomically creates the object; false when it already exists (a lost commit race). Given chunks,
   * the object is their bytes one after the other (a commit of many files is never whole in
   * memory); each chunk is consumed before the next is asked for, which may reuse its buffer.
   */
  putIfAbsent(path: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<boolean>;
  delete(path: string): Promise<void>;
}
