import type { BadRowHandler } from './badRows';
import type { NamedColumnType } from './columnTypeList';

/** What every text-file reader (CSV, NDJSON) takes besides its format's own syntax options. */
export interface TextSourceOptions {
  /** Types of some or all (top-level) columns by name; the others are inferred. */
  schema?: readonly NamedColumnType[];
  /** Patterns for date and timestamp text (compileDateTimeFormat); ISO 8601 when absent. */
  dateFormat?: string;
  timestampFormat?: string;
  /** A batch is emitted at this many rows or this many bytes of column data, whichever comes first. */
  batchRows?: number;
  batchBytes?: number;
  onBadRow?: BadRowHandler;
  signal?: AbortSignal;
}
