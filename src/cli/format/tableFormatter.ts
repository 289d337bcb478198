import type { RecordBatch } from 'apache-arrow';
import type { DataType, StructType } from '../../delta/schema';
import { BatchRows } from '../../format/batchRows';
import { cellText } from '../../format/jsonText';
import type { RowFormatter } from '../../format/rowFormatter';

export interface TableFormatOptions {
  /** Cells wider than this (in characters) are cut and end with "…". */
  maxCellWidth?: number;
  /**
   * Rows buffered to size the columns before anything is printed. Later rows are cut to those
   * widths, which keeps memory bounded on long outputs.
   */
  sampleRows?: number;
}

const NULL_TEXT = 'NULL';
const COLUMN_GAP = '  ';

/**
 * An aligned text table for people, not scripts: numbers right-aligned, control characters
 * escaped so every row stays on one line, a "N rows" footer.
 */
export class TableFormatter implements RowFormatter {
  private readonly rows: BatchRows;
  private readonly maxCellWidth: number;
  private readonly sampleRows: number;
  private readonly rightAligned: boolean[];
  private sample: string[][] = [];
  private widths: number[] | undefined;
  private count = 0;

  constructor(private readonly schema: StructType, options: TableFormatOptions = {}) {
    this.rows = new BatchRows(schema);
    this.maxCellWidth = Math.max(2, options.maxCellWidth ?? 40);
    this.sampleRows = Math.max(1, options.sampleRows ?? 1000);
    this.rightAligned = schema.fields.map((field) => isNumeric(field.type));
  }

  begin(): string[] {
    return [];
  }

  batch(batch: RecordBatch): string[] {
    const lines: string[] = [];
    for (const row of this.rows.rows(batch)) {
      this.count++;
      const cells = this.schema.fields.map((field) => {
        const value = row[field.name];
        return value === null ? NULL_TEXT : truncate(escapeControls(cellText(value, field.type)), this.maxCellWidth);
      });
      if (this.widths) {
        lines.push(this.line(cells));
      } else {
        this.sample.push(cells);
        if (this.sample.length >= this.sampleRows) lines.push(...this.flushSample());
      }
    }
    return lines;
  }

  end(): string[] {
    const lines = this.widths ? [] : this.flushSample();
    lines.push(`${this.count} ${this.count === 1 ? 'row' : 'rows'}`);
    return lines;
  }

  private flushSample(): string[] {
    const names = this.schema.fields.map((field) => escapeControls(field.name));
    const widths = names.map((name, column) =>
      Math.max(width(name), ...this.sample.map((cells) => width(cells[column]))));
    this.widths = widths;
    const lines = [this.line(names), this.line(widths.map((w) => '-'.repeat(w)))];
    for (const cells of this.sample) lines.push(this.line(cells));
    this.sample = [];
    return lines;
  }

  private line(cells: string[]): string {
    const widths = this.widths ?? [];
    return cells.map((cell, column) => {
      const text = truncate(cell, widths[column]);
      const padding = ' '.repeat(widths[column] - width(text));
      return this.rightAligned[column] ? padding + text : text + padding;
    }).join(COLUMN_GAP).trimEnd();
  }
}

function isNumeric(type: DataType): boolean {
  if (type.kind === 'decimal') return true;
  return type.kind === 'primitive' && ['byte', 'short', 'integer', 'long', 'float', 'double'].includes(type.name);
}

/** Width in code points; East Asian wide characters count as one (good enough for a preview). */
function width(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) count++; // a low surrogate ends a pair already counted
  }
  return count;
}

function truncate(text: string, max: number): string {
  if (width(text) <= max) return text;
  return Array.from(text).slice(0, max - 1).join('') + '…';
}

function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}
