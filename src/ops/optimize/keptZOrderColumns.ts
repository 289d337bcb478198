import { Data, RecordBatch, Struct, type Schema } from 'apache-arrow';
import { concatBatches } from '../../arrow/concatBatches';
import type { FileRows } from '../../delta/write/fileRows';

/**
 * The Z-order columns of data files as the sampling pass decoded them (every physical row, in the
 * pieces the reader gave, with their deletion masks), kept for the run that follows so that it
 * decodes only the other columns of those files: the Z-order columns are decoded once.
 *
 * Memory: the Arrow bytes of the Z-order columns of the kept files, about 8 bytes per row and
 * fixed-width column (two long columns: 16 bytes a row, 160 MB for 10M rows), held from the
 * sampling pass until the run reads each file, and never more than `capacity` bytes: a file that
 * does not fit is not kept and the run decodes it whole, as it would without this cache.
 */
export class KeptZOrderColumns {
  private readonly files = new Map<string, FileRows[]>();
  private heldBytes = 0;
  private full = false;

  constructor(readonly capacity: number) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** False once a file was turned away: later files are not worth decoding only to be kept. */
  get hasRoom(): boolean {
    return !this.full;
  }

  /** Keeps a file's Z-order pieces if they fit; returns whether they were kept. */
  offer(path: string, pieces: readonly FileRows[]): boolean {
    const bytes = pieces.reduce((n, p) => n + p.batch.data.byteLength, 0);
    if (this.full || this.files.has(path) || this.heldBytes + bytes > this.capacity) {
      this.full = true;
      return false;
    }
    this.files.set(path, [...pieces]);
    this.heldBytes += bytes;
    return true;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** A kept file's pieces, handed over once (the cache lets go of them); undefined when not kept. */
  take(path: string): { pieces: FileRows[]; bytes: number } | undefined {
    const pieces = this.files.get(path);
    if (!pieces) return undefined;
    this.files.delete(path);
    const bytes = pieces.reduce((n, p) => n + p.batch.data.byteLength, 0);
    this.heldBytes -= bytes;
    return { pieces, bytes };
  }

  /** Lets go of everything (the run ended, or failed). */
  clear(): void {
    this.files.clear();
    this.heldBytes = 0;
  }
}

/**
 * Joins the pieces of a file's other columns (`rest`, by row offset) with its kept Z-order pieces
 * into batches of `schema` (the table's columns in table order): the rows `readDataFile(...).batches`
 * would have given, each with its piece's row offset and deletion mask.
 */
export async function* joinKeptColumns(
  rest: Iterable<FileRows> | AsyncIterable<FileRows>, kept: readonly FileRows[], schema: Schema,
): AsyncGenerator<FileRows> {
  const keptNames = new Map(kept[0]?.batch.schema.fields.map((f, i) => [f.name, i]) ?? []);
  let at = 0;
  for await (const piece of rest) {
    const zColumns = keptRows(kept, piece.rowOffset, piece.batch.numRows, at);
    at = zColumns.next;
    const restNames = new Map(piece.batch.schema.fields.map((f, i) => [f.name, i]));
    const length = piece.batch.numRows;
    const children = schema.fields.map((field) => {
      const k = keptNames.get(field.name);
      const child = k === undefined ? piece.batch.data.children[restNames.get(field.name) ?? -1] : zColumns.batch.data.children[k];
      if (!child) throw new RangeError(`Column "${field.name}" is in neither the kept Z-order columns nor the decoded ones.`);
      return child;
    });
    yield { batch: new RecordBatch(schema, new Data(new Struct(schema.fields), 0, length, 0, undefined, children)), rowOffset: piece.rowOffset, live: piece.live };
  }
}

/**
 * The kept rows [rowOffset, rowOffset + length) as one batch: a slice of one piece when they lie
 * in one (the usual case: both reads cut the file at the same row groups and batch size), else
 * joined. `from` is the piece to start looking at; `next` where the following call can start.
 */
function keptRows(kept: readonly FileRows[], rowOffset: number, length: number, from: number): { batch: RecordBatch; next: number } {
  const end = rowOffset + length;
  const parts: RecordBatch[] = [];
  let index = from;
  while (index < kept.length && (kept[index] as FileRows).rowOffset + (kept[index] as FileRows).batch.numRows <= rowOffset) index++;
  let next = index;
  for (; index < kept.length; index++) {
    const piece = kept[index] as FileRows;
    if (piece.rowOffset >= end) break;
    const start = Math.max(rowOffset, piece.rowOffset) - piece.rowOffset;
    const stop = Math.min(end, piece.rowOffset + piece.batch.numRows) - piece.rowOffset;
    parts.push(start === 0 && stop === piece.batch.numRows ? piece.batch : piece.batch.slice(start, stop));
    if (piece.rowOffset + piece.batch.numRows <= end) next = index + 1;
  }
  const rows = parts.reduce((n, p) => n + p.numRows, 0);
  if (rows !== length) throw new RangeError(`The kept Z-order columns hold ${rows} of rows ${rowOffset}..${end - 1} of the file.`);
  return { batch: parts.length === 1 ? parts[0] as RecordBatch : concatBatches(parts), next };
}
