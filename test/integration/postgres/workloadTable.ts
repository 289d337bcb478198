import { createHash } from 'node:crypto';
import type pg from 'pg';
import { DeltaTable } from '../../../src/delta/table';
import { batchRowsText } from '../../helpers/arrowCellText';

/** A table shaped like an application's: a key, text, a large (TOASTable) value, a decimal, a timestamp. */
export const WORKLOAD_DDL = `CREATE TABLE items (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  payload text,
  qty numeric(12,2),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
)`;

/** A row as [id, name, md5(payload), length(payload), qty, updated_at µs]: large values compared by digest. */
export type ItemRow = (string | null)[];

export async function sourceItems(client: pg.Client, table = 'items'): Promise<ItemRow[]> {
  const result = await client.query<{ r: ItemRow }>({
    text: `SELECT ARRAY[id::text, name, md5(payload), length(payload)::text, trim_scale(qty)::text,
                        (extract(epoch from updated_at) * 1000000)::bigint::text] AS r
             FROM ${table} ORDER BY id`,
  });
  return result.rows.map((row) => row.r);
}

export async function deltaItems(location: string): Promise<ItemRow[]> {
  const snapshot = await (await DeltaTable.open(location)).snapshot();
  const rows = batchRowsText(await snapshot.scan().collect());
  return rows.map(([id, name, payload, qty, updatedAt]) => [
    id ?? null, name ?? null,
    payload === null || payload === undefined ? null : createHash('md5').update(payload).digest('hex'),
    payload === null || payload === undefined ? null : String([...payload].length),
    qty === null || qty === undefined ? null : trimScale(qty), updatedAt ?? null,
  ]).sort((a, b) => Number(a[0]) - Number(b[0]));
}

function trimScale(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
}
