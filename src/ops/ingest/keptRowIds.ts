import { Data, Field, Int64, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import type { AddFile, Metadata } from '../../delta/actions';
import type { Snapshot } from '../../delta/snapshot';
import { materializedRowColumns } from '../../delta/transaction/rowTracking';
import { SourceRowIds } from '../../delta/write/sourceRowIds';

/**
 * The stable row ids of the target rows a keyed apply takes out, by key, so that an upsert of an
 * existing key writes the new row with the old row's id, as Spark's MERGE keeps an updated row's
 * id ("Row Tracking" in PROTOCOL.md); the row's commit version is left null, so it reads as the
 * committing version (its new file's defaultRowCommitVersion). Rows of keys not seen before get
 * no id here and read theirs from their new file's baseRowId.
 */
export class KeptRowIds<K> {
  private readonly ids = new Map<K, bigint>();

  private constructor(private readonly rowIdColumn: string) {}

  /** Undefined when the table does not have row tracking enabled: there are no ids to keep. */
  static of<K>(metadata: Metadata): KeptRowIds<K> | undefined {
    const columns = materializedRowColumns(metadata);
    return columns ? new KeptRowIds<K>(columns.rowId) : undefined;
  }

  /** Records the ids of rows a rewrite took out, as rewriteFile hands them over (ids attached). */
  recordRows(rows: RecordBatch, keyOf: (row: number) => K): void {
    const column = rows.getChild(this.rowIdColumn);
    if (!column) return;
    for (let row = 0; row < rows.numRows; row++) {
      const id: unknown = column.get(row);
      if (typeof id === 'bigint') this.ids.set(keyOf(row), id);
    }
  }

  /** Records the ids of the physical rows `rows` of `file`, whose keys are `keys[row]`. */
  async recordFileRows(snapshot: Snapshot, file: AddFile, rows: readonly number[], keys: ArrayLike<K>): Promise<void> {
    if (rows.length === 0) return;
    const source = await SourceRowIds.read(snapshot, file);
    if (!source) return;
    for (const row of rows) this.ids.set(keys[row] as K, source.rowIdAt(row));
  }

  /** `batch` (upserted rows) with the materialized row id column holding the kept id of each row whose key had one. */
  withRowIds(batch: RecordBatch, keyOf: (row: number) => K): RecordBatch {
    const n = batch.numRows;
    if (this.ids.size === 0 || n === 0) return batch;
    const values = new BigInt64Array(n);
    const valid = new Uint8Array(Math.ceil(n / 8));
    let nulls = 0;
    for (let row = 0; row < n; row++) {
      const id = this.ids.get(keyOf(row));
      if (id === undefined) {
        nulls++;
        continue;
      }
      values[row] = id;
      valid[row >> 3] = (valid[row >> 3] as number) | (1 << (row & 7));
    }
    if (nulls === n) return batch;
    const field = new Field(this.rowIdColumn, new Int64(), true);
    const schema = new Schema([...batch.schema.fields, field]);
    const ids = makeData({ type: new Int64(), length: n, nullCount: nulls, data: values, ...(nulls > 0 ? { nullBitmap: valid } : {}) });
    return new RecordBatch(schema, new Data(new Struct(schema.fields), 0, n, 0, undefined, [...batch.data.children, ids]));
  }
}
