import type { RecordBatch } from 'apache-arrow';
import { DeltaError } from '../../delta/errors';
import type { StructType } from '../../delta/schema';
import type { Snapshot } from '../../delta/snapshot';
import { rowToJson, type JsonRow, type JsonValue } from '../../format/jsonValue';
import type { ProgressCallback } from '../../util/progress';

/** Rows one side of a diff may hold in memory (one map entry each, its values as JSON text). */
export const DEFAULT_MAX_DIFF_ROWS = 2_000_000;
/** Rows of each kind kept for display; the counts stay exact beyond it. */
export const DEFAULT_MAX_LISTED_ROWS = 10_000;

export interface RowDiffOptions {
  /** Columns that identify a row; empty or absent compares whole rows (as a multiset). */
  key?: readonly string[];
  maxRows?: number;
  maxListed?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface ChangedRow {
  key: JsonRow;
  before: JsonRow;
  after: JsonRow;
  /** Compared columns whose value differs. */
  changedColumns: string[];
}

export interface RowDiffCounts { added: number; removed: number; changed: number; unchanged: number }

export interface RowDiff {
  fromVersion: number;
  toVersion: number;
  /** Key columns; empty for a whole-row comparison. */
  key: string[];
  /** Columns compared: those both versions have, in the newer version's order. */
  columns: string[];
  counts: RowDiffCounts;
  added: JsonRow[];
  removed: JsonRow[];
  changed: ChangedRow[];
  /** True when some kind had more rows than `maxListed` (its list is cut, its count is not). */
  truncated: boolean;
}

/**
 * Added, removed and changed rows between two versions of a table. The older version is read once
 * into a map from key to row (JSON text of the compared columns), then the newer one is streamed
 * against it; rows left in the map were removed. Memory is therefore bounded by the older
 * version's row count, capped at `maxRows` (DELTA_DIFF_TOO_LARGE beyond), not by both tables.
 * Without a key, identical rows are counted (a multiset), so duplicates are diffed correctly.
 */
export async function diffRows(from: Snapshot, to: Snapshot, options: RowDiffOptions = {}): Promise<RowDiff> {
  const fromNames = new Set(from.schema.fields.map((f) => f.name));
  const columns = to.schema.fields.map((f) => f.name).filter((name) => fromNames.has(name));
  const key = [...(options.key ?? [])];
  for (const column of key) {
    if (!columns.includes(column)) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT',
        `Key column "${column}" is not in both versions ${from.version} and ${to.version}; columns in both: ${columns.join(', ')}.`);
    }
  }
  const maxRows = options.maxRows ?? DEFAULT_MAX_DIFF_ROWS;
  const maxListed = options.maxListed ?? DEFAULT_MAX_LISTED_ROWS;
  const diff: RowDiff = {
    fromVersion: from.version, toVersion: to.version, key, columns,
    counts: { added: 0, removed: 0, changed: 0, unchanged: 0 }, added: [], removed: [], changed: [], truncated: false,
  };
  const list = <T>(rows: T[], row: T): void => {
    if (rows.length < maxListed) rows.push(row);
    else diff.truncated = true;
  };
  const tooLarge = (): DeltaError => new DeltaError('DELTA_DIFF_TOO_LARGE',
    `Comparing versions ${from.version} and ${to.version} needs more than ${maxRows.toLocaleString('en-US')} rows in memory. Filter the tables first, or raise the limit.`);
  const rowText = (row: JsonRow): string => JSON.stringify(columns.map((c) => row[c] ?? null));
  const keyText = (row: JsonRow): string => JSON.stringify(key.map((c) => row[c] ?? null));
  const progress = (side: string) => (done: number, total: number): void => options.onProgress?.(done, total, side);

  if (key.length === 0) {
    const counts = new Map<string, number>();
    for await (const row of rowsOf(from, columns, options.signal, progress(`Reading version ${from.version}`))) {
      const text = rowText(row);
      counts.set(text, (counts.get(text) ?? 0) + 1);
      if (counts.size > maxRows) throw tooLarge();
    }
    for await (const row of rowsOf(to, columns, options.signal, progress(`Comparing version ${to.version}`))) {
      const text = rowText(row);
      const left = counts.get(text) ?? 0;
      if (left > 0) {
        diff.counts.unchanged += 1;
        if (left === 1) counts.delete(text);
        else counts.set(text, left - 1);
      } else {
        diff.counts.added += 1;
        list(diff.added, row);
      }
    }
    for (const [text, count] of counts) {
      diff.counts.removed += count;
      for (let i = 0; i < count; i += 1) list(diff.removed, rowFromText(columns, text));
    }
    return diff;
  }

  // Key -> the older row's text, or MATCHED once the newer version had that key.
  const older = new Map<string, string>();
  for await (const row of rowsOf(from, columns, options.signal, progress(`Reading version ${from.version}`))) {
    const id = keyText(row);
    if (older.has(id)) throw duplicateKey(key, id, from.version);
    older.set(id, rowText(row));
    if (older.size > maxRows) throw tooLarge();
  }
  const addedKeys = new Set<string>();
  for await (const row of rowsOf(to, columns, options.signal, progress(`Comparing version ${to.version}`))) {
    const id = keyText(row);
    const before = older.get(id);
    if (before === MATCHED || addedKeys.has(id)) throw duplicateKey(key, id, to.version);
    if (before === undefined) {
      addedKeys.add(id);
      if (older.size + addedKeys.size > maxRows) throw tooLarge();
      diff.counts.added += 1;
      list(diff.added, row);
      continue;
    }
    older.set(id, MATCHED);
    const text = rowText(row);
    if (text === before) {
      diff.counts.unchanged += 1;
      continue;
    }
    diff.counts.changed += 1;
    const beforeRow = rowFromText(columns, before);
    list(diff.changed, {
      key: Object.fromEntries(key.map((c) => [c, row[c] ?? null])),
      before: beforeRow,
      after: row,
      changedColumns: columns.filter((c) => JSON.stringify(beforeRow[c] ?? null) !== JSON.stringify(row[c] ?? null)),
    });
  }
  for (const text of older.values()) {
    if (text === MATCHED) continue;
    diff.counts.removed += 1;
    list(diff.removed, rowFromText(columns, text));
  }
  return diff;
}

/** A marker no row text can equal (row texts are JSON arrays). */
const MATCHED = '';

async function* rowsOf(snapshot: Snapshot, columns: string[], signal: AbortSignal | undefined, onProgress: ProgressCallback): AsyncGenerator<JsonRow> {
  const scan = snapshot.scan({ columns, ...(signal ? { signal } : {}), onProgress });
  const schema: StructType = scan.schema;
  for await (const batch of scan.batches()) yield* batchRows(batch, schema);
}

function* batchRows(batch: RecordBatch, schema: StructType): Generator<JsonRow> {
  for (let row = 0; row < batch.numRows; row += 1) yield rowToJson(batch, row, schema);
}

function rowFromText(columns: readonly string[], text: string): JsonRow {
  const values = JSON.parse(text) as JsonValue[];
  return Object.fromEntries(columns.map((c, i) => [c, values[i] ?? null]));
}

function duplicateKey(key: readonly string[], id: string, version: number): DeltaError {
  return new DeltaError('DELTA_INVALID_ARGUMENT',
    `Key (${key.join(', ')}) = ${id} appears more than once in version ${version}: pick columns that identify a row, or compare whole rows (no key).`);
}
