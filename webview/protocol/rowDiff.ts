/**
 * Messages between the row diff webview and the extension host. The host holds the diff (lists
 * bounded by the diff's `maxListed`) and sends rows of one kind a page at a time.
 */
import type { GridCell, GridColumn } from './grid';
import { isMessage } from './message';

export const DIFF_KINDS = ['added', 'removed', 'changed'] as const;
export type DiffKind = (typeof DIFF_KINDS)[number];

/** Host -> webview: the counts (exact), then the webview asks for rows of the kind shown. */
export interface DiffSummary {
  type: 'summary';
  title: string;
  fromVersion: number;
  toVersion: number;
  /** Key columns; empty for a whole-row comparison. */
  key: string[];
  columns: GridColumn[];
  counts: { added: number; removed: number; changed: number; unchanged: number };
  /** Rows of each kind the host can page through (less than the count when lists were cut). */
  listed: Record<DiffKind, number>;
  pageSize: number;
  elapsedMs: number;
}

export interface DiffRows {
  type: 'rows';
  kind: DiffKind;
  offset: number;
  rows: GridCell[][];
}

export interface DiffFailure {
  type: 'error';
  message: string;
}

export type DiffHostMessage = DiffSummary | DiffRows | DiffFailure;

export interface DiffReady { type: 'ready' }
export interface DiffLoadRows { type: 'loadRows'; kind: DiffKind; offset: number }
export interface DiffCopy { type: 'copy'; text: string }
export type DiffWebviewMessage = DiffReady | DiffLoadRows | DiffCopy;

function isDiffKind(value: unknown): value is DiffKind {
  return typeof value === 'string' && (DIFF_KINDS as readonly string[]).includes(value);
}

export function isDiffWebviewMessage(value: unknown): value is DiffWebviewMessage {
  if (!isMessage(value)) return false;
  if (value.type === 'ready') return true;
  if (value.type === 'copy') return 'text' in value && typeof value.text === 'string';
  return value.type === 'loadRows' && 'kind' in value && isDiffKind(value.kind)
    && 'offset' in value && Number.isInteger(value.offset) && Number(value.offset) >= 0;
}

export function isDiffHostMessage(value: unknown): value is DiffHostMessage {
  return isMessage(value)
    && (value.type === 'summary' || value.type === 'rows' || value.type === 'error');
}
