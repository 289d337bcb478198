import { DataType as ArrowType, type Data, type RecordBatch } from 'apache-arrow';
import { isValidAt } from '../../../src/arrow/bitmap';
import { readInt128 } from '../../../src/arrow/decimal128';
import { formatDecimal } from '../../../src/delta/predicate/decimal';

/**
 * Rows as plain values read straight from the buffers: int64 and timestamps as bigint, dates as
 * day numbers, decimals as their exact text, strings, numbers, booleans, structs as objects.
 */
export function toPlainRows(batch: RecordBatch): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let row = 0; row < batch.numRows; row++) {
    const out: Record<string, unknown> = {};
    batch.schema.fields.forEach((field, i) => { out[field.name] = cell(batch.data.children[i] as Data, row); });
    rows.push(out);
  }
  return rows;
}

function cell(data: Data, row: number): unknown {
  if (!isValidAt(data, row)) return null;
  const type = data.type as ArrowType;
  const index = data.offset + row;
  if (ArrowType.isStruct(type)) {
    const out: Record<string, unknown> = {};
    type.children.forEach((f, i) => { out[f.name] = cell(data.children[i] as Data, row); });
    return out;
  }
  if (ArrowType.isDecimal(type)) return formatDecimal({ unscaled: readInt128(data.values as Uint32Array, index), scale: type.scale });
  if (ArrowType.isUtf8(type)) {
    const offsets = data.valueOffsets as Int32Array;
    return new TextDecoder().decode((data.values as Uint8Array).subarray(offsets[index], offsets[index + 1]));
  }
  if (ArrowType.isBool(type)) return (((data.values as Uint8Array)[index >> 3] as number) & (1 << (index & 7))) !== 0;
  if (ArrowType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const out: unknown[] = [];
    for (let i = offsets[index] as number; i < (offsets[index + 1] as number); i++) out.push(cell(data.children[0] as Data, i - (data.children[0] as Data).offset));
    return out;
  }
  return (data.values as ArrayLike<unknown>)[index];
}
