/**
 * Messages between the data preview webview and the extension host. Both sides import this file;
 * nothing else is posted. Rows are addressed by their offset in the scan, so the webview can drop
 * pages it scrolled past and ask for them again (the host re-reads them): its memory stays bounded.
 * Every query (projection + filter) starts a new `generation`; rows of an older one are ignored.
 */
import type { GridCell, GridColumn } from './grid';
import { isMessage } from './message';

/** Host -> webview: the table is open (or re-queried); the first page comes with it. */
export interface PreviewInit {
  type: 'init';
  generation: number;
  title: string;
  version: number;
  /** Every column of the table, for the projection picker. */
  tableColumns: GridColumn[];
  /** The columns shown, in order. */
  columns: GridColumn[];
  /** The filter in effect ('' for none). */
  where: string;
  pageSize: number;
  rows: GridCell[][];
  /** Set once the scan has ended (here: the first page holds every row): the number of rows. */
  total?: number;
  /** From "open preview" (or "apply") to the first rows being ready on the host. */
  firstRowsMs: number;
}

/**
 * Host -> webview: rows [offset, offset + rows.length). `total` is set once the scan has ended; a
 * request past the end then answers no rows and the total, which is how the grid learns its length.
 */
export interface PreviewRows {
  type: 'rows';
  generation: number;
  offset: number;
  rows: GridCell[][];
  total?: number;
}

/** Host -> webview: the filter does not parse or fit the schema; `position` is 0-based in it. */
export interface PreviewQueryError {
  type: 'queryError';
  message: string;
  position?: number;
}

export interface PreviewFailure {
  type: 'error';
  message: string;
}

export type PreviewHostMessage = PreviewInit | PreviewRows | PreviewQueryError | PreviewFailure;

/** Webview -> host: the script is listening. */
export interface PreviewReady {
  type: 'ready';
}

/** Webview -> host: send rows starting at `offset` (a page of `pageSize`). */
export interface PreviewLoadRows {
  type: 'loadRows';
  generation: number;
  offset: number;
}

/** Webview -> host: show these columns (empty: all) of the rows matching `where` ('' for all). */
export interface PreviewQuery {
  type: 'query';
  columns: string[];
  where: string;
}

/** Webview -> host: put text on the clipboard (the host's clipboard works in every VS Code). */
export interface PreviewCopy {
  type: 'copy';
  text: string;
}

/** Webview -> host: export the current query's whole result to a file. */
export interface PreviewExport {
  type: 'export';
}

export type PreviewWebviewMessage = PreviewReady | PreviewLoadRows | PreviewQuery | PreviewCopy | PreviewExport;

export function isPreviewWebviewMessage(value: unknown): value is PreviewWebviewMessage {
  if (!isMessage(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'export':
      return true;
    case 'loadRows':
      return 'offset' in value && Number.isInteger(value.offset) && Number(value.offset) >= 0
        && 'generation' in value && Number.isInteger(value.generation);
    case 'query':
      return 'columns' in value && Array.isArray(value.columns) && value.columns.every((c) => typeof c === 'string')
        && 'where' in value && typeof value.where === 'string';
    case 'copy':
      return 'text' in value && typeof value.text === 'string';
    default:
      return false;
  }
}

export function isPreviewHostMessage(value: unknown): value is PreviewHostMessage {
  return isMessage(value)
    && (value.type === 'init' || value.type === 'rows' || value.type === 'queryError' || value.type === 'error');
}
