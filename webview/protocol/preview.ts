/**
 * Messages between the data preview webview and the extension host. Both sides import this file;
 * nothing else is posted. Rows are addressed by their offset in the scan, so the webview can drop
 * pages it scrolled past and ask for them again (the host re-reads them): its memory stays bounded.
 */

/** A cell as display text (the CLI's value formatting), or null for SQL NULL. */
export type PreviewCell = string | null;

export interface PreviewColumn {
  name: string;
  /** Delta type as text, e.g. `decimal(10,2)`. */
  type: string;
  /** Numbers sort numerically and align right. */
  numeric: boolean;
}

/** Host -> webview: the table is open; the first page comes with it. */
export interface PreviewInit {
  type: 'init';
  title: string;
  version: number;
  columns: PreviewColumn[];
  pageSize: number;
  rows: PreviewCell[][];
  /** Set once the scan has ended (here: the first page holds every row): the number of rows. */
  total?: number;
  /** From "open preview" to the first rows being ready on the host. */
  firstRowsMs: number;
}

/**
 * Host -> webview: rows [offset, offset + rows.length). `total` is set once the scan has ended; a
 * request past the end then answers no rows and the total, which is how the grid learns its length.
 */
export interface PreviewRows {
  type: 'rows';
  offset: number;
  rows: PreviewCell[][];
  total?: number;
}

export interface PreviewFailure {
  type: 'error';
  message: string;
}

export type PreviewHostMessage = PreviewInit | PreviewRows | PreviewFailure;

/** Webview -> host: the script is listening. */
export interface PreviewReady {
  type: 'ready';
}

/** Webview -> host: send rows starting at `offset` (a page of `pageSize`). */
export interface PreviewLoadRows {
  type: 'loadRows';
  offset: number;
}

export type PreviewWebviewMessage = PreviewReady | PreviewLoadRows;

export function isPreviewWebviewMessage(value: unknown): value is PreviewWebviewMessage {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  if (value.type === 'ready') return true;
  return value.type === 'loadRows' && 'offset' in value && Number.isInteger(value.offset) && Number(value.offset) >= 0;
}

export function isPreviewHostMessage(value: unknown): value is PreviewHostMessage {
  return typeof value === 'object' && value !== null && 'type' in value
    && (value.type === 'init' || value.type === 'rows' || value.type === 'error');
}
