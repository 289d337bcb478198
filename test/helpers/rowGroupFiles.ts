import type { Table } from 'apache-arrow';

/** Each row of `table` as JSON (bigints as strings): rows two decodes must agree on. */
export const rowsOf = (table: Table): string[] => table.toArray().map((row) => JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));

/** The footer of a whole Parquet file behind its magic, as FlatRowGroupReader keeps it. */
export function footerOf(file: Uint8Array): Uint8Array {
  const length = new DataView(file.buffer, file.byteOffset + file.byteLength - 8, 4).getUint32(0, true);
  const footer = new Uint8Array(4 + length + 8);
  footer.set(file.subarray(0, 4));
  footer.set(file.subarray(file.byteLength - 8 - length), 4);
  return footer;
}
