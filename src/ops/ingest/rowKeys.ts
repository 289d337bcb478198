import type { Data, RecordBatch } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { DeltaError } from '../../delta/errors';
import type { StructField } from '../../delta/schema';
import { NumberKeyTable } from '../../delta/write/numberKeyTable';
import { partitionValueAt } from '../../delta/write/partitionPath';
import type { RowKey } from './fileKeyCache';

/** The key columns of `batch`, in the order of `keyFields` (found by name: change rows may order them differently). */
export function keyColumns(batch: RecordBatch, keyFields: readonly StructField[]): Data[] {
  return keyFields.map((field) => {
    const index = batch.schema.fields.findIndex((f) => f.name === field.name);
    if (index < 0) throw new DeltaError('DELTA_INVALID_ARGUMENT', `The change rows lack the key column "${field.name}".`);
    return batch.data.children[index] as Data;
  });
}

const NULL_KEY = '\u0000';
const INTEGER_KEYS = new Set(['byte', 'short', 'integer', 'long']);
const TWO_32 = 4294967296;

/**
 * Reads the key of each row of one batch. This runs for every row of every candidate file, so a
 * single integer key column (the usual primary key) is read straight from its buffer as a number;
 * other keys go through their log text form.
 */
export function keyReader(columns: readonly Data[], keyFields: readonly StructField[]): (row: number) => RowKey {
  const first = columns[0] as Data;
  const firstType = (keyFields[0] as StructField).type;
  if (keyFields.length === 1 && firstType.kind === 'primitive' && INTEGER_KEYS.has(firstType.name)) {
    const values: unknown = first.values;
    if (values instanceof BigInt64Array) {
      const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
      return (row) => {
        if (!isValidAt(first, row)) return NULL_KEY;
        // apache-arrow's slices narrow the values: read at `row` (bitmaps at offset + row, isValidAt).
        const at = 2 * row;
        const high = words[at + 1] as number;
        // Within ±2^53 the number is exact; beyond, the decimal text keeps large keys apart.
        if (high >= -0x200000 && high < 0x200000) return high * TWO_32 + ((words[at] as number) >>> 0);
        return `=${String(values[row])}`;
      };
    }
    if (values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array) {
      return (row) => isValidAt(first, row) ? values[row] as number : NULL_KEY;
    }
  }
  if (keyFields.length === 1) {
    return (row) => {
      const text = partitionValueAt(first, row, firstType, false);
      return text === null ? NULL_KEY : `=${text}`;
    };
  }
  return (row) => JSON.stringify(keyFields.map((field, i) => partitionValueAt(columns[i] as Data, row, field.type, false)));
}

/** The keys in a NumberKeyTable, or false when one is not a number. */
export function numberKeyTable(keys: ReadonlySet<RowKey>): NumberKeyTable | false {
  let min = Infinity;
  let max = -Infinity;
  for (const key of keys) {
    if (typeof key !== 'number') return false;
    if (key < min) min = key;
    if (key > max) max = key;
  }
  const table = new NumberKeyTable(keys.size > 0 ? min : 0, keys.size > 0 ? max : 0, keys.size);
  let id = 0;
  for (const key of keys) table.insert(key as number, id++);
  return table;
}
