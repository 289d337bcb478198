import type { RecordBatch } from 'apache-arrow';
import type { AddFile } from '../actions';
import type { Predicate } from '../predicate/ast';
import { compareValues, type NonNullValue } from '../predicate/typedValue';
import { fileStatsOf, rowMask } from '../scan/pruning';
import type { StructField, StructType } from '../schema';
import type { Snapshot } from '../snapshot';

/**
 * Key types whose file statistics bound every value exactly: integral, date and timestamp columns.
 * String bounds may be truncated prefixes, and floating-point ones say nothing of NaN.
 */
const EXACTLY_BOUNDED_TYPES = new Set(['byte', 'short', 'integer', 'long', 'date', 'timestamp', 'timestamp_ntz']);

/**
 * The MERGE source rows that no target row can match, known before any target file is read: a
 * NULL first key, or a first key outside the [min, max] hull of that column's statistics over
 * every `candidates` file (the only files whose rows a source row may match). One mask per source
 * batch, 1 for such a row; undefined when nothing can be proven (a key type without exact bounds,
 * a partition key, a candidate file without the column's bounds). The common upsert whose new rows
 * carry keys above the table's, as a sequence or a timestamp gives them, is the case this finds.
 */
export function unmatchableRows(
  sources: readonly RecordBatch[], keyFields: readonly StructField[], candidates: readonly AddFile[], snapshot: Snapshot, schema: StructType,
): Uint8Array[] | undefined {
  const key = keyFields[0];
  if (!key || key.type.kind !== 'primitive' || !EXACTLY_BOUNDED_TYPES.has(key.type.name) || snapshot.partitionColumns.includes(key.name)) return undefined;
  let low: NonNullValue | undefined;
  let high: NonNullValue | undefined;
  for (const file of candidates) {
    const stats = fileStatsOf(file, snapshot);
    const min = stats?.min([key.name]);
    const max = stats?.max([key.name]);
    if (min === undefined || max === undefined) return undefined;
    if (low === undefined || compareValues(min, low) < 0) low = min;
    if (high === undefined || compareValues(max, high) > 0) high = max;
  }
  const column = { path: [key.name], type: key.type };
  const isNull: Predicate = { kind: 'isNull', column, negated: false };
  const outside: Predicate = low === undefined || high === undefined ? { kind: 'isNull', column, negated: true } : {
    kind: 'or',
    left: { kind: 'comparison', op: '<', column, value: low },
    right: { kind: 'comparison', op: '>', column, value: high },
  };
  const unmatchable: Predicate = { kind: 'or', left: outside, right: isNull };
  return sources.map((batch) => rowMask(unmatchable, batch, schema));
}
