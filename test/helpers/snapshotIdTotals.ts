import type { PgSnapshotReader } from '../../src/connectors/postgres/pgSnapshotReader';

/**
 * Drains a snapshot reader whose first column is an int4 id and closes it: the row count, the sum of
 * the ids (catches a lost or repeated row) and which session read them.
 */
export async function snapshotIdTotals(reader: PgSnapshotReader): Promise<{ count: number; sum: number; readBy: PgSnapshotReader['readBy'] }> {
  let count = 0;
  let sum = 0;
  for await (const batch of reader.batches()) {
    for (const v of (batch.getChildAt(0)?.data[0]?.values as Int32Array).subarray(0, batch.numRows)) sum += v;
    count += batch.numRows;
  }
  await reader.close();
  return { count, sum, readBy: reader.readBy };
}
