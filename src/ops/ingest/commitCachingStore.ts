import { LocalFileStore } from '../../storage/localFileStore';

/** A commit file's path in the log: `_delta_log/<20-digit version>.json`. */
const COMMIT_FILE = /^_delta_log\/\d{20}\.json$/;

/** Commit bytes held before the oldest are dropped: a few hundred commits of a cdc table. */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/**
 * A local table store that keeps the bytes of the commit files it has read. A commit file never
 * changes once it exists (it is created whole, by put-if-absent: "Delta Log Entries" in
 * PROTOCOL.md), so a held copy cannot go stale; which commits make up the table is still listed
 * every time. Every keyed apply of a cdc follower loads the snapshot again, which read every commit
 * since the last checkpoint (up to 99) once more, each an open, stat, read and close on libuv's
 * threads behind the ZSTD and deletion-vector writes of the same process: under load that stage took
 * 450 to 1,000 ms a commit near version 90. With this store it reads only the commits it has not seen.
 */
export class CommitCachingStore extends LocalFileStore {
  private readonly commits = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(root: string, private readonly maxBytes = DEFAULT_MAX_BYTES) {
    super(root);
  }

  override async get(path: string): Promise<Uint8Array> {
    if (!COMMIT_FILE.test(path)) return super.get(path);
    const held = this.commits.get(path);
    if (held) return held;
    const data = await super.get(path);
    this.commits.set(path, data);
    this.bytes += data.byteLength;
    // Oldest first out: after a checkpoint the commits before it are not read again.
    for (const [old, bytes] of this.commits) {
      if (this.bytes <= this.maxBytes) break;
      this.commits.delete(old);
      this.bytes -= bytes.byteLength;
    }
    return data;
  }

  /** Commit files held (for tests). */
  get size(): number {
    return this.commits.size;
  }
}
