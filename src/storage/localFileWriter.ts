import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { LocalFileSystem } from './localFileStore';
import type { ObjectWriter } from './objectStore';
import { storageWriteError } from './storageWriteError';

/**
 * The temp file an object is written to beside `target` before it is renamed (or linked) there:
 * hidden, and named as VACUUM recognises an orphan of ours (vacuumListing's STORE_TEMP_FILE).
 */
export function tempPathBeside(target: string): string {
  return join(dirname(target), `.${randomUUID()}.tmp`);
}

/**
 * A local file written through one handle, beside its path under a temp name and renamed there on
 * `close`: a reader never sees a half-written data file. Any failure removes the temp file and
 * surfaces as storageWriteError (DELTA_STORAGE_READ_ONLY / DELTA_STORAGE_FULL naming the file).
 */
export class LocalFileWriter implements ObjectWriter {
  private open = true;

  private constructor(
    private readonly fs: LocalFileSystem,
    private readonly target: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates the temp file of `target` (an absolute path), and its folder if needed. */
  static async create(fs: LocalFileSystem, target: string): Promise<LocalFileWriter> {
    const temp = tempPathBeside(target);
    try {
      await fs.mkdir(dirname(target), { recursive: true });
      return new LocalFileWriter(fs, target, temp, await fs.open(temp, 'w'));
    } catch (error) {
      await fs.unlink(temp).catch(() => undefined);
      throw storageWriteError(error, target);
    }
  }

  /** One `writev` of all the parts, after those written before. */
  async write(parts: readonly Uint8Array[]): Promise<void> {
    await this.failing(async () => {
      if (!this.open) throw new Error('the file was already closed');
      const expected = parts.reduce((n, p) => n + p.byteLength, 0);
      const { bytesWritten } = await this.handle.writev(parts);
      if (bytesWritten !== expected) throw new Error(`wrote ${bytesWritten} of ${expected} bytes`);
    });
  }

  async close(): Promise<void> {
    await this.failing(async () => {
      this.open = false;
      await this.handle.close();
      await this.fs.rename(this.temp, this.target);
    });
  }

  async abort(): Promise<void> {
    if (this.open) {
      this.open = false;
      await this.handle.close().catch(() => undefined);
    }
    await this.fs.unlink(this.temp).catch(() => undefined);
  }

  private async failing(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      await this.abort();
      throw storageWriteError(error, this.target);
    }
  }
}
