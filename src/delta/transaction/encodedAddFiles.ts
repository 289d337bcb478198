import type { AddFile } from '../actions';
import { DeltaError } from '../errors';

const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;
/** encodeInto writes at most 3 bytes per UTF-16 code unit. */
const MAX_UTF8_PER_UNIT = 3;

const encoder = new TextEncoder();

/**
 * Add actions of new data files held as the commit file's lines (`{"add":{...}}\n`, UTF-8), for a
 * commit of many thousands of files (CONVERT). Held as objects and strings until the commit, they
 * outlive many young-generation collections, and V8 grows its young generation to 32 MiB for
 * them; as bytes outside the JS heap they cost their size and nothing more. Only plain new files:
 * dataChange true and no deletion vector or row id, which are what the commit could otherwise
 * have to check or rewrite (Transaction.addEncodedFiles).
 */
export class EncodedAddFiles {
  private readonly full: Uint8Array[] = [];
  private chunk = new Uint8Array(0);
  private used = 0;
  private files = 0;

  append(add: AddFile): void {
    if (!add.dataChange || add.deletionVector || add.baseRowId !== undefined || add.defaultRowCommitVersion !== undefined) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `${add.path}: only new data files without deletion vectors or row ids can be staged encoded.`);
    }
    const line = JSON.stringify({ add });
    const most = line.length * MAX_UTF8_PER_UNIT + 1;
    if (this.used + most > this.chunk.length) this.startChunk(most);
    this.used += encoder.encodeInto(line, this.chunk.subarray(this.used)).written;
    this.chunk[this.used++] = NEWLINE;
    this.files++;
  }

  /** Files appended. */
  get count(): number {
    return this.files;
  }

  /** The lines in order, in pieces of whole lines (views, not copies). */
  pieces(): Uint8Array[] {
    return this.used === 0 ? [...this.full] : [...this.full, this.chunk.subarray(0, this.used)];
  }

  private startChunk(atLeast: number): void {
    if (this.used > 0) this.full.push(this.chunk.subarray(0, this.used));
    // Fixed-size pieces, not one buffer doubled: the buffers a doubling leaves behind stay resident
    // until a full garbage collection frees them.
    this.chunk = new Uint8Array(Math.max(CHUNK_BYTES, atLeast));
    this.used = 0;
  }
}
