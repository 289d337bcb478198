import { DataType as ArrowType, type Data, type RecordBatch } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { deltaTypeFromArrow } from './deltaTypeFromArrow';
import { partitionValueAt } from './partitionPath';

const MAX_TEXT = 60;

/** One row for an error message, e.g. `{id: -1, name: "a"}`, values exact (longs, decimals, timestamps). */
export function describeRow(batch: RecordBatch, row: number): string {
  const parts = batch.schema.fields.map((field, i) => `${field.name}: ${describeCell(batch.data.children[i] as Data, row, field.name)}`);
  return `{${parts.join(', ')}}`;
}

function describeCell(data: Data, row: number, column: string): string {
  if (!isValidAt(data, row)) return 'NULL';
  const type = data.type as ArrowType;
  if (ArrowType.isStruct(type)) {
    const inner = type.children.map((f, i) => `${f.name}: ${describeCell(data.children[i] as Data, row, `${column}.${f.name}`)}`);
    return `{${inner.join(', ')}}`;
  }
  const deltaType = deltaTypeFromArrow(type, column);
  if (!deltaType || (deltaType.kind !== 'primitive' && deltaType.kind !== 'decimal')) return `<${String(type)}>`;
  const text = partitionValueAt(data, row, deltaType, false) ?? '';
  const short = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
  return deltaType.kind === 'primitive' && (deltaType.name === 'string' || deltaType.name.startsWith('timestamp') || deltaType.name === 'date')
    ? JSON.stringify(short)
    : short;
}
