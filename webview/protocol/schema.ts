/** Messages of the schema panel: the host sends the whole (small) schema view once. */
import { isMessage } from './message';

export interface SchemaColumnView {
  /** Logical names from the top-level column down. */
  path: string[];
  type: string;
  nullable: boolean;
  partition: boolean;
  mappingId?: number;
  physicalName?: string;
  generationExpression?: string;
  comment?: string;
  /** What data skipping has for this column: min/max and null counts, null counts only, or nothing. */
  stats: 'minMax' | 'nullCount' | 'none' | 'partition';
  /** Struct, array and map columns hold nested rows below them. */
  nested: boolean;
}

export interface SchemaView {
  type: 'schema';
  title: string;
  version: number;
  columnMappingMode: string;
  partitionColumns: string[];
  columns: SchemaColumnView[];
  constraints: { name: string; expression: string }[];
  /** How the stats columns were chosen, e.g. "first 32 leaf columns (delta.dataSkippingNumIndexedCols)". */
  statsRule: string;
}

export interface SchemaFailure { type: 'error'; message: string }
export type SchemaHostMessage = SchemaView | SchemaFailure;
export interface SchemaReady { type: 'ready' }

export function isSchemaHostMessage(value: unknown): value is SchemaHostMessage {
  return isMessage(value) && (value.type === 'schema' || value.type === 'error');
}

export function isSchemaReady(value: unknown): value is SchemaReady {
  return isMessage(value) && value.type === 'ready';
}
