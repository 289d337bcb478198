import type { RecordBatch } from 'apache-arrow';
import { cellText } from '../../format/jsonText';
import { rowToJson } from '../../format/jsonValue';
import { formatDataType, type StructType } from '../../delta/schema';
import type { GridCell, GridColumn } from '../../../webview/protocol/grid';

const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'float', 'double']);

export function previewColumns(schema: StructType): GridColumn[] {
  return schema.fields.map((field) => ({
    name: field.name,
    type: formatDataType(field.type),
    numeric: field.type.kind === 'decimal' || (field.type.kind === 'primitive' && NUMERIC.has(field.type.name)),
  }));
}

/** One row as display cells, formatted exactly as the CLI prints values. */
export function rowCells(schema: StructType): (batch: RecordBatch, row: number) => GridCell[] {
  return (batch, row) => {
    const json = rowToJson(batch, row, schema);
    return schema.fields.map((field) => {
      const value = json[field.name];
      return value === null || value === undefined ? null : cellText(value, field.type);
    });
  };
}
