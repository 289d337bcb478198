import { DeltaError } from '../delta/errors';

/** A source row that could not become a table row, with where it is and why. */
export interface BadRow {
  /** 1-based data row number (the header is not a row). */
  row: number;
  /** 1-based line of the file where the row starts. */
  line: number;
  reason: string;
  /** The row as read: CSV fields, or the NDJSON line's text. */
  source: string[] | string;
  /** The source file, when rows of several files are reported together. */
  file?: string;
}

/**
 * What a reader does with a bad row: without a handler it fails at the first one (the default:
 * nothing is silently dropped); with one, the row goes to the handler, which must account for it.
 */
export type BadRowHandler = (bad: BadRow) => void | Promise<void>;

export async function reportBadRow(bad: BadRow, file: string, handler: BadRowHandler | undefined): Promise<void> {
  if (!handler) {
    throw new DeltaError('SOURCE_BAD_ROW',
      `${file}: row ${bad.row} (line ${bad.line}): ${bad.reason}. Fix the row, declare the column's type with --schema, or set bad rows aside with --bad-rows <file>.`);
  }
  await handler(bad);
}
