import type { RecordBatch } from 'apache-arrow';
import { filterBatch } from '../../arrow/takeRows';
import type { StructField } from '../../delta/schema';
import type { DmlWrites } from '../../delta/write/dmlWrites';
import type { RowKey } from './fileKeyCache';
import { keyColumns, keyReader } from './rowKeys';

/**
 * The Change Data Feed of one keyed apply (cdc, incremental): a target row taken out for a deleted
 * key is a `delete`, one taken out for an upserted key an `update_preimage`; an upserted row is an
 * `update_postimage` when its key had a row, else an `insert`. Without these `cdc` files a reader
 * would take the copy-on-write rewrite's removes and adds for deletes and inserts of every copied row.
 */
export class KeyedChangeFeed {
  private readonly matchedKeys = new Set<RowKey>();

  constructor(private readonly writes: DmlWrites, private readonly deletedKeys: ReadonlySet<RowKey>, private readonly keyFields: readonly StructField[]) {}

  /** Records target rows taken out of the table (they are live rows whose key changed). */
  async matched(rows: RecordBatch): Promise<void> {
    const keyOf = keyReader(keyColumns(rows, this.keyFields), this.keyFields);
    const deleted = new Uint8Array(rows.numRows);
    for (let row = 0; row < rows.numRows; row++) {
      const key = keyOf(row);
      this.matchedKeys.add(key);
      deleted[row] = this.deletedKeys.has(key) ? 1 : 0;
    }
    await this.record(rows, deleted, 'delete', 'update_preimage');
  }

  /** Records upserted rows; call after every matched row was seen. */
  async upserted(rows: RecordBatch): Promise<void> {
    const keyOf = keyReader(keyColumns(rows, this.keyFields), this.keyFields);
    const updated = new Uint8Array(rows.numRows);
    for (let row = 0; row < rows.numRows; row++) updated[row] = this.matchedKeys.has(keyOf(row)) ? 1 : 0;
    await this.record(rows, updated, 'update_postimage', 'insert');
  }

  private async record(rows: RecordBatch, mask: Uint8Array, whenSet: 'delete' | 'update_postimage', otherwise: 'update_preimage' | 'insert'): Promise<void> {
    const set = mask.reduce((n, bit) => n + bit, 0);
    if (set > 0) await this.writes.change(set === rows.numRows ? rows : filterBatch(rows, mask), whenSet);
    if (set < rows.numRows) await this.writes.change(set === 0 ? rows : filterBatch(rows, mask.map((bit) => 1 - bit)), otherwise);
  }
}
