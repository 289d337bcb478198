import type { AddFile } from '../../../src/delta/actions';
import { primitive, type StructType } from '../../../src/delta/schema';

export const SCHEMA: StructType = {
  kind: 'struct',
  fields: [
    { name: 'id', type: primitive('long'), nullable: false, metadata: {} },
    { name: 'part', type: primitive('string'), nullable: true, metadata: {} },
  ],
};

/** An add action for a data file that need not exist: transactions only look at the log. */
export function fakeAdd(name: string, part = 'a', ids: [number, number] = [0, 9]): AddFile {
  return {
    path: `part=${part}/${name}.parquet`,
    partitionValues: { part },
    size: 100,
    modificationTime: 1_700_000_000_000,
    dataChange: true,
    stats: JSON.stringify({ numRecords: ids[1] - ids[0] + 1, minValues: { id: ids[0] }, maxValues: { id: ids[1] }, nullCount: { id: 0 } }),
  };
}
