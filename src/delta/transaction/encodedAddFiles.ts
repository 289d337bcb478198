import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddFile } from '../actions';
import { DeltaError } from '../errors';

const BUFFER_BYTES = 1024 * 1024;
/** encodeInto writes at most 3 bytes per UTF-16 code unit. */
const MAX_UTF8_PER_UNIT = 3;

const encoder = new TextEncoder();

/** Where lines that no longer fit the buffer go. */
interface SpillFile {
  dir: string;
  fd: number;
  bytes: number;
}

/**
 * Add actions of new data files held as the commit file's lines (`{"add":{...}}\n`, UTF-8), for a
 * commit of many thousands of files (CONVERT). As objects and strings, 10,000 files' adds outlived
 * many young-generation collections, which made V8 grow its young generation to 32 MiB, and as
 * bytes they still took 4.7 MB: here one 1 MiB buffer holds the latest lines and each time it fills
 * it is appended to a temporary file, so memory stays the same whatever the number of files; the
 * commit reads the lines back a buffer at a time (chunks). Call discard() once the commit is done or
 * abandoned. Only plain new files: dataChange true and no deletion vector or row id, which are what
 * the commit could otherwise have to check or rewrite (Transaction.addEncodedFiles).
 */
export class EncodedAddFiles {
  private readonly buffer = new Uint8Array(BUFFER_BYTES);
  private used = 0;
  private files = 0;
  private spill: SpillFile | undefined;

  append(add: AddFile): void {
    if (!add.dataChange || add.deletionVector || add.baseRowId !== undefined || add.defaultRowCommitVersion !== undefined) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `${add.path}: only new data files without deletion vectors or row ids can be staged encoded.`);
    }
    const line = `${JSON.stringify({ add })}\n`;
    const most = line.length * MAX_UTF8_PER_UNIT;
    if (this.used + most > this.buffer.length) this.spillBuffer();
    if (most > this.buffer.length) {
      // A line too long for the buffer (statistics of thousands of columns) goes to the file whole.
      this.write(encoder.encode(line));
    } else {
      this.used += encoder.encodeInto(line, this.buffer.subarray(this.used)).written;
    }
    this.files++;
  }

  /** Files appended. */
  get count(): number {
    return this.files;
  }

  /**
   * The lines in order, a buffer at a time. Each chunk is only valid until the next is asked for
   * (the reads reuse one buffer); iterating again reads them all again (a retried commit).
   */
  async *chunks(): AsyncGenerator<Uint8Array> {
    const spill = this.spill;
    if (spill) {
      const chunk = new Uint8Array(BUFFER_BYTES);
      for (let position = 0; position < spill.bytes;) {
        const read = readSync(spill.fd, chunk, 0, Math.min(chunk.length, spill.bytes - position), position);
        if (read === 0) throw new Error(`The add actions spilled to ${spill.dir} end early, at byte ${position} of ${spill.bytes}.`);
        position += read;
        yield chunk.subarray(0, read);
      }
    }
    if (this.used > 0) yield this.buffer.subarray(0, this.used);
  }

  /** Deletes the temporary file; the lines are gone. */
  discard(): void {
    const spill = this.spill;
    this.spill = undefined;
    this.used = 0;
    this.files = 0;
    if (!spill) return;
    closeSync(spill.fd);
    rmSync(spill.dir, { recursive: true, force: true });
  }

  private spillBuffer(): void {
    if (this.used === 0) return;
    this.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private write(bytes: Uint8Array): void {
    if (!this.spill) {
      const dir = mkdtempSync(join(tmpdir(), 'lakehouse-adds-'));
      this.spill = { dir, fd: openSync(join(dir, 'adds.ndjson'), 'w+'), bytes: 0 };
      // Unlinked while open where the system allows it (not Windows): the data stays reachable
      // through the descriptor and the system frees it when the process ends, even by kill -9.
      try {
        rmSync(dir, { recursive: true });
      } catch {
        // Removed by discard() instead.
      }
    }
    for (let offset = 0; offset < bytes.byteLength;) {
      offset += writeSync(this.spill.fd, bytes, offset, bytes.byteLength - offset, this.spill.bytes + offset);
    }
    this.spill.bytes += bytes.byteLength;
  }
}
