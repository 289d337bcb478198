/**
 * What every grid panel (data preview, row diff, Parquet file) shows: columns and cells as display
 * text. Shared by the host and the webview.
 */

/** A cell as display text (the CLI's value formatting), or null for SQL NULL. */
export type GridCell = string | null;

export interface GridColumn {
  name: string;
  /** Delta type as text, e.g. `decimal(10,2)`. */
  type: string;
  /** Numbers sort numerically and align right. */
  numeric: boolean;
}

export function isGridRows(value: unknown): value is GridCell[][] {
  return Array.isArray(value) && value.every((row) => Array.isArray(row) && row.every((cell) => cell === null || typeof cell === 'string'));
}
