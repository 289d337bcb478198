import type { AddFile, DeletionVectorDescriptor } from '../../delta/actions';

/** A row's key: a number for integer keys within ±2^53, else its log text form (the two never collide). */
export type RowKey = string | number;

/** What a keyed apply knows of one data file without reading it again. */
export interface KnownFile {
  /**
   * The key of each physical row, in file order (deleted rows included): a typed array when they
   * are all numbers (integer keys within ±2^53, the usual case), which matching reads fastest.
   */
  keys: Float64Array | readonly RowKey[];
  /** 1 per row the deletion vector `dvId` keeps; set once a vector of this file was seen. */
  dv?: { id: string; live: Uint8Array };
}

/** Rows held across all files before the least recently used files are dropped (about 40 MiB). */
const DEFAULT_MAX_ROWS = 4_000_000;

/**
 * The key column of each data file a keyed apply (cdc) has read, kept across its commits so a
 * batch does not decode the keys of every candidate file again: with changes spread over the key
 * range every file is a candidate of every batch. Entries are by path and size: a data file's
 * bytes never change once committed (a rewrite gets a new name), so an entry stays true whatever
 * other writers commit. What does change, the set of files and their deletion vectors, is always
 * taken from the snapshot the apply reads; a vector is reused only when its descriptor is the one
 * the snapshot names. The cache belongs to one table.
 */
export class FileKeyCache {
  private readonly files = new Map<string, KnownFile & { size: number }>();
  private rows = 0;

  /** `maxRows`: rows held across all files before the least recently used files are dropped. */
  constructor(readonly maxRows = DEFAULT_MAX_ROWS) {}

  /** The file's keys, or undefined when it must be read. */
  get(file: AddFile): KnownFile | undefined {
    const entry = this.files.get(file.path);
    if (!entry || entry.size !== file.size) return undefined;
    // Most recently used last: eviction drops from the front.
    this.files.delete(file.path);
    this.files.set(file.path, entry);
    return entry;
  }

  remember(file: AddFile, keys: Float64Array | readonly RowKey[]): KnownFile {
    this.forget(file.path);
    const entry = { size: file.size, keys };
    this.files.set(file.path, entry);
    this.rows += keys.length;
    for (const [path, old] of this.files) {
      if (this.rows <= this.maxRows || old === entry) break;
      this.forget(path);
    }
    return entry;
  }

  /** The keep mask of the file's current deletion vector, when it is the one last seen. */
  liveRows(file: AddFile, known: KnownFile): Uint8Array | undefined {
    const dv = file.deletionVector;
    return dv && known.dv?.id === deletionVectorId(dv) ? known.dv.live : undefined;
  }

  rememberLiveRows(known: KnownFile, descriptor: DeletionVectorDescriptor, live: Uint8Array): void {
    known.dv = { id: deletionVectorId(descriptor), live };
  }

  forget(path: string): void {
    const entry = this.files.get(path);
    if (!entry) return;
    this.rows -= entry.keys.length;
    this.files.delete(path);
  }

  /** Files held (for tests and diagnostics). */
  get size(): number {
    return this.files.size;
  }
}

function deletionVectorId(dv: DeletionVectorDescriptor): string {
  return `${dv.storageType}:${dv.pathOrInlineDv}:${dv.offset ?? ''}:${dv.cardinality}`;
}
