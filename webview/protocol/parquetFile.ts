/** Messages of the Parquet file editor: footer details once, then data rows paged like the preview. */
import type { GridCell, GridColumn } from './grid';
import { isMessage } from './message';

export interface ParquetSchemaLeaf {
  path: string;
  physicalType: string;
  logicalType: string;
  repetition: string;
}

export interface ParquetColumnChunkView {
  path: string;
  codec: string;
  compressedBytes: number;
  min?: string;
  max?: string;
  nullCount?: number;
}

export interface ParquetRowGroupView {
  index: number;
  numRows: number;
  totalBytes: number;
  columns: ParquetColumnChunkView[];
}

export interface ParquetFileInfo {
  type: 'file';
  name: string;
  sizeBytes: number;
  numRows: number;
  createdBy: string;
  schema: ParquetSchemaLeaf[];
  rowGroups: ParquetRowGroupView[];
  columns: GridColumn[];
  pageSize: number;
  rows: GridCell[][];
  total?: number;
}

export interface ParquetRows { type: 'rows'; offset: number; rows: GridCell[][]; total?: number }
export interface ParquetFailure { type: 'error'; message: string }
export type ParquetHostMessage = ParquetFileInfo | ParquetRows | ParquetFailure;

export interface ParquetReady { type: 'ready' }
export interface ParquetLoadRows { type: 'loadRows'; offset: number }
export interface ParquetCopy { type: 'copy'; text: string }
export type ParquetWebviewMessage = ParquetReady | ParquetLoadRows | ParquetCopy;

export function isParquetWebviewMessage(value: unknown): value is ParquetWebviewMessage {
  if (!isMessage(value)) return false;
  if (value.type === 'ready') return true;
  if (value.type === 'copy') return 'text' in value && typeof value.text === 'string';
  return value.type === 'loadRows' && 'offset' in value && Number.isInteger(value.offset) && Number(value.offset) >= 0;
}

export function isParquetHostMessage(value: unknown): value is ParquetHostMessage {
  return isMessage(value)
    && (value.type === 'file' || value.type === 'rows' || value.type === 'error');
}
