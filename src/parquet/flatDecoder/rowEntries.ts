import { FRESH_BUFFERS, type ColumnBuffers } from './recycledBuffers';

/** Rows the first noted pages get room for; more is made by doubling, up to the column's rows. */
const FIRST_CAPACITY = 64 * 1024;

/**
 * The dictionary entry of each row of a column decoded so far (indexed from the column's first
 * row), while every data page was dictionary-encoded; given up at the first page that is not (the
 * writer's dictionary filled up: its later pages are PLAIN). What a rewrite's encoder takes instead
 * of hashing the values again (see DecodedStorage).
 */
export class RowEntries {
  private entries: Int32Array | undefined;
  private noted = 0;
  private given = false;

  constructor(private readonly rows: number, private readonly buffers: ColumnBuffers = FRESH_BUFFERS) {
    // Grown as pages come, not sized for every row at once: a chunk whose dictionary fills up
    // (6 of the 10 columns of the writer bench's delta-rs files) does so within its first pages,
    // where a whole-size array (4 MiB a 1M-row group) was allocated, zeroed and dropped.
    this.entries = this.int32s(Math.min(rows, FIRST_CAPACITY));
  }

  /** Every row's entry, once all rows were noted from dictionary-encoded pages; else undefined. */
  get indices(): Int32Array | undefined {
    return this.given || this.noted !== this.rows ? undefined : this.entries;
  }

  /** Whether a page that is not dictionary-encoded came (after any that were). */
  get givenUp(): boolean {
    return this.given;
  }

  /** Notes a page's dictionary indices (one per defined slot) for the rows of its slots; null rows get 0. */
  note(indices: Int32Array, row: number, slots: number, defined: Uint8Array | null): void {
    if (this.given) return;
    const entries = this.room(row + slots);
    if (defined === null) entries.set(indices.subarray(0, slots), row);
    else {
      let v = 0;
      for (let slot = 0; slot < slots; slot++) entries[row + slot] = defined[slot] !== 0 ? (indices[v++] as number) : 0;
    }
    this.noted = Math.max(this.noted, row + slots);
  }

  /** A page that is not dictionary-encoded: the rows are not all entries. */
  giveUp(): void {
    this.given = true;
    if (this.entries) this.buffers.drop(this.entries);
    this.entries = undefined;
  }

  private room(rows: number): Int32Array {
    const entries = this.entries as Int32Array;
    if (rows <= entries.length) return entries;
    let capacity = entries.length * 2;
    while (capacity < rows) capacity *= 2;
    const grown = this.int32s(Math.min(this.rows, capacity));
    grown.set(entries.subarray(0, this.noted));
    this.buffers.drop(entries);
    this.entries = grown;
    return grown;
  }

  private int32s(length: number): Int32Array {
    // Not zeroed: a row's entry is read only once noted (null rows get 0 then).
    return new Int32Array(this.buffers.bytes(length * 4, false).buffer, 0, length);
  }
}
