import { DataType as ArrowType, type Data, type RecordBatch } from 'apache-arrow';
import { readInt128 } from '../../src/arrow/decimal128';
import { isValidAt } from '../../src/arrow/bitmap';

/**
 * A cell of an Arrow column as canonical text, to compare with the same cell rendered by SQL on the
 * source: integers and timestamps (µs since the epoch) exactly, decimals without trailing zeros,
 * floats by value, dates as YYYY-MM-DD, binary as hex, lists as JSON arrays of these texts.
 */
export function cellText(data: Data, row: number): string | null {
  if (!isValidAt(data, row)) return null;
  const type = data.type;
  const index = data.offset + row;
  if (ArrowType.isTimestamp(type)) return String((data.values as BigInt64Array)[index]);
  if (ArrowType.isInt(type)) return String((data.values as Int32Array | BigInt64Array)[index]);
  if (ArrowType.isFloat(type)) return String((data.values as Float64Array)[index]);
  if (ArrowType.isBool(type)) return ((data.values as Uint8Array)[index >> 3] as number) & (1 << (index & 7)) ? 'true' : 'false';
  if (ArrowType.isDecimal(type)) return decimalText(readInt128(data.values as Uint32Array, index), type.scale);
  if (ArrowType.isDate(type)) return new Date((data.values as Int32Array)[index] as number * 86_400_000).toISOString().slice(0, 10);
  if (ArrowType.isUtf8(type) || ArrowType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = (data.values as Uint8Array).subarray(offsets[index], offsets[index + 1]);
    return ArrowType.isUtf8(type) ? new TextDecoder().decode(bytes) : Buffer.from(bytes).toString('hex');
  }
  if (ArrowType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const child = data.children[0] as Data;
    const items: (string | null)[] = [];
    for (let i = offsets[index] as number; i < (offsets[index + 1] as number); i++) items.push(cellText(child, i - child.offset));
    return JSON.stringify(items);
  }
  throw new Error(`no text form for Arrow type ${String(type)}`);
}

/** Every row of the batches as an array of column texts. */
export function batchRowsText(batches: readonly RecordBatch[]): (string | null)[][] {
  const rows: (string | null)[][] = [];
  for (const batch of batches) {
    for (let r = 0; r < batch.numRows; r++) rows.push(batch.data.children.map((column) => cellText(column, r)));
  }
  return rows;
}

export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
