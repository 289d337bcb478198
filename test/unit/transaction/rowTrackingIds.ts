import { filterBatch } from '../../../src/arrow/takeRows';
import { DeltaTable } from '../../../src/delta/table';
import { materializedRowColumns } from '../../../src/delta/transaction/rowTracking';
import { readDataFile } from '../../../src/delta/write/fileRows';
import { SourceRowIds } from '../../../src/delta/write/sourceRowIds';

/** One live row: its `key` column value, stable row id and stable row commit version. */
export type RowIdentity = [key: unknown, rowId: bigint, rowCommitVersion: bigint];

/**
 * The stable row ids and row commit versions of every live row of a row-tracking table, as a
 * reader reconstructs them from the materialized columns and each file's baseRowId and
 * defaultRowCommitVersion; sorted by `key`, which must be a bigint column.
 */
export async function stableRowIds(dir: string, key: string): Promise<RowIdentity[]> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  const columns = materializedRowColumns(snapshot.metadata);
  if (!columns) throw new Error('the table does not have row tracking enabled');
  const out: RowIdentity[] = [];
  for (const file of snapshot.files()) {
    const ids = await SourceRowIds.read(snapshot, file);
    const content = await readDataFile(snapshot, file);
    for await (const { batch, rowOffset, live } of content.batches) {
      const tracked = (ids as SourceRowIds).attach(batch, rowOffset);
      const rows = live ? filterBatch(tracked, live) : tracked;
      const keys = rows.getChild(key);
      const rowIds = rows.getChild(columns.rowId);
      const versions = rows.getChild(columns.rowCommitVersion);
      for (let row = 0; row < rows.numRows; row++) {
        out.push([keys?.get(row), rowIds?.get(row) as bigint, versions?.get(row) as bigint]);
      }
    }
  }
  return out.sort((a, b) => (BigInt(a[0] as bigint) < BigInt(b[0] as bigint) ? -1 : 1));
}
