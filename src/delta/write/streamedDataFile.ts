import type { ObjectStore, ObjectWriter } from '../../storage/objectStore';

/**
 * A data file whose closed row groups go to the store as they close (ObjectStore.openWrite), so
 * memory holds the row group being encoded and at most one being written, never the whole file.
 * The object is created with the first parts and appears at its path only on `finish`.
 */
export class StreamedDataFile {
  private writer: Promise<ObjectWriter> | undefined;
  /** The write in flight: the next waits for it (and throws its failure). */
  private pending: Promise<void> = Promise.resolve();
  /** Set by `abort`: a write still under way then must not create the object again. */
  private aborted = false;
  /** Bytes handed to the store so far (the file's size after `finish`). */
  bytes = 0;

  constructor(private readonly openWrite: NonNullable<ObjectStore['openWrite']>, readonly relative: string) {}

  /** Starts writing `parts` once the previous write is done; resolves when they are under way. */
  async write(parts: readonly Uint8Array[]): Promise<void> {
    if (parts.length === 0) return;
    await this.pending;
    if (this.aborted) throw new Error(`data file ${this.relative} was aborted`);
    this.bytes += parts.reduce((n, p) => n + p.byteLength, 0);
    this.writer ??= this.openWrite(this.relative);
    this.pending = this.writer.then((writer) => writer.write(parts));
    // Awaited by the next write, finish or abort.
    this.pending.catch(() => undefined);
  }

  /** Writes the file's last parts and publishes it. */
  async finish(parts: readonly Uint8Array[]): Promise<void> {
    await this.write(parts);
    await this.pending;
    await (await this.writer)?.close();
  }

  /** Removes what was written (nothing is left of a failed or abandoned file). */
  async abort(): Promise<void> {
    this.aborted = true;
    await this.pending.catch(() => undefined);
    const writer = await this.writer?.catch(() => undefined);
    await writer?.abort();
  }
}
