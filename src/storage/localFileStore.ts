import { promises as fsPromises, constants as fsConstants } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { LocalFileWriter, tempPathBeside } from './localFileWriter';
import type { ObjectMeta, ObjectStore, ObjectWriter } from './objectStore';
import { storageWriteError } from './storageWriteError';

/** The file system calls the store makes; tests pass one that fails like a full or read-only disk. */
export type LocalFileSystem = Pick<typeof fsPromises, 'readdir' | 'stat' | 'readFile' | 'open' | 'mkdir' | 'writeFile' | 'rename' | 'link' | 'unlink'>;

/**
 * An ObjectStore over a local directory. Writes that fail because the location is read-only or the
 * disk is full raise DELTA_STORAGE_READ_ONLY / DELTA_STORAGE_FULL naming the file, and leave no
 * partial file behind.
 */
export class LocalFileStore implements ObjectStore {
  readonly root: string;

  constructor(root: string, private readonly fs: LocalFileSystem = fsPromises) {
    this.root = resolve(root);
  }

  private absolute(path: string): string {
    const full = resolve(this.root, path);
    if (full !== this.root && !full.startsWith(this.root + sep)) {
      throw new Error(`Path "${path}" escapes the store root ${this.root}`);
    }
    return full;
  }

  async list(prefix: string, options: { startAfter?: string; recursive?: boolean } = {}): Promise<ObjectMeta[]> {
    const out: ObjectMeta[] = [];
    await this.collect(prefix, options.recursive ?? false, options.startAfter, out);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private async collect(prefix: string, recursive: boolean, startAfter: string | undefined, out: ObjectMeta[]): Promise<void> {
    let entries;
    try {
      entries = await this.fs.readdir(this.absolute(prefix), { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    await Promise.all(entries.map(async (entry) => {
      const path = base + entry.name;
      if (entry.isDirectory()) {
        if (recursive) await this.collect(path, true, startAfter, out);
        return;
      }
      // Filter before stat: listing from a checkpoint hint must not cost a stat per old commit.
      if (!entry.isFile() || (startAfter !== undefined && path <= startAfter)) return;
      const stat = await this.fs.stat(this.absolute(path)).catch((error: unknown) => {
        if (isNotFound(error)) return undefined; // deleted while listing
        throw error;
      });
      if (stat) out.push({ path, size: stat.size, modifiedMs: Math.floor(stat.mtimeMs) });
    }));
  }

  async get(path: string): Promise<Uint8Array> {
    const buffer = await this.fs.readFile(this.absolute(path));
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  async getRange(path: string, start: number, end: number): Promise<Uint8Array> {
    const out = new Uint8Array(Math.max(0, end - start));
    const filled = await this.getRangeInto(path, start, out);
    return filled === out.length ? out : out.subarray(0, filled);
  }

  async getRangeInto(path: string, start: number, into: Uint8Array): Promise<number> {
    const handle = await this.fs.open(this.absolute(path), 'r');
    try {
      let filled = 0;
      while (filled < into.length) {
        const { bytesRead } = await handle.read(into, filled, into.length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled;
    } finally {
      await handle.close();
    }
  }

  async head(path: string): Promise<ObjectMeta | undefined> {
    try {
      const stat = await this.fs.stat(this.absolute(path));
      return stat.isFile() ? { path, size: stat.size, modifiedMs: Math.floor(stat.mtimeMs) } : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async put(path: string, data: Uint8Array): Promise<void> {
    await this.writeThenRename(path, (temp) => this.fs.writeFile(temp, data));
  }

  /** One `writev` of all the parts (writeFile of a joined buffer goes 512 KiB per trip through libuv's pool). */
  async putParts(path: string, parts: readonly Uint8Array[]): Promise<void> {
    const writer = await LocalFileWriter.create(this.fs, this.absolute(path));
    await writer.write(parts);
    await writer.close();
  }

  async openWrite(path: string): Promise<ObjectWriter> {
    return LocalFileWriter.create(this.fs, this.absolute(path));
  }

  /** Writes the object beside its path, then renames it there: a reader never sees a half-written data file. */
  private async writeThenRename(path: string, write: (temp: string) => Promise<void>): Promise<void> {
    const target = this.absolute(path);
    const temp = tempPathBeside(target);
    try {
      await this.fs.mkdir(dirname(target), { recursive: true });
      await write(temp);
      await this.fs.rename(temp, target);
    } catch (error) {
      await this.fs.unlink(temp).catch(() => undefined);
      throw storageWriteError(error, target);
    }
  }

  async putIfAbsent(path: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<boolean> {
    const target = this.absolute(path);
    // The complete content goes to a temp file first; link() then publishes it atomically and
    // fails with EEXIST if another writer won: a reader never sees a partial commit.
    const temp = tempPathBeside(target);
    try {
      await this.fs.mkdir(dirname(target), { recursive: true });
      await this.fs.writeFile(temp, data, { flag: fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY });
    } catch (error) {
      await this.fs.unlink(temp).catch(() => undefined);
      throw storageWriteError(error, target);
    }
    try {
      await this.fs.link(temp, target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw storageWriteError(error, target);
    } finally {
      await this.fs.unlink(temp).catch(() => undefined);
    }
  }

  async delete(path: string): Promise<void> {
    const target = this.absolute(path);
    await this.fs.unlink(target).catch((error: unknown) => {
      if (!isNotFound(error)) throw storageWriteError(error, target);
    });
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
