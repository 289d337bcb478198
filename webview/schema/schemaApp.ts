import { div, textElement } from '../dom';
import { isSchemaHostMessage, type SchemaColumnView, type SchemaView } from '../protocol/schema';
import { listenToHost } from '../vscodeApi';
import { detailsTable, textCell } from '../widgets/detailsTable';
import { errorAlert, statusLine } from '../widgets/liveRegion';

const STATS_TEXT: Record<SchemaColumnView['stats'], string> = {
  minMax: 'min/max, nulls', nullCount: 'nulls only', none: '—', partition: 'partition value',
};

/** The schema panel: a tree grid of columns, then constraints and the stats rule. */
export function startSchema(root: HTMLElement): void {
  const status = statusLine('Reading schema…');
  root.append(status);
  listenToHost(isSchemaHostMessage, (message) => {
    if (message.type === 'error') {
      root.append(errorAlert(message.message));
      status.textContent = 'The schema could not be read.';
      return;
    }
    status.textContent = `${message.title} · version ${message.version} · ${message.columns.filter((c) => c.path.length === 1).length} columns`
      + ` · column mapping: ${message.columnMappingMode}`;
    root.append(render(message));
  });
}

function render(view: SchemaView): HTMLElement {
  const doc = div('document');
  const mapped = view.columnMappingMode !== 'none';
  const headers = ['Column', 'Type', 'Nullable', ...(mapped ? ['Mapping id', 'Physical name'] : []), 'Statistics', 'Notes'];
  const table = detailsTable('schema-tree', headers);
  table.setAttribute('role', 'treegrid');
  table.setAttribute('aria-label', 'Schema');
  const body = table.createTBody();
  view.columns.forEach((column, index) => {
    const row = body.insertRow();
    row.setAttribute('role', 'row');
    row.setAttribute('aria-level', String(column.path.length));
    if (column.nested) row.setAttribute('aria-expanded', 'true');
    row.dataset.column = column.path.join('.');
    const name = cell(row, column.path[column.path.length - 1] ?? '', 'mono');
    name.style.paddingLeft = `${(column.path.length - 1) * 16}px`;
    name.tabIndex = index === 0 ? 0 : -1;
    cell(row, column.type, 'mono');
    cell(row, column.nullable ? 'yes' : 'NOT NULL', column.nullable ? 'muted' : '');
    if (mapped) {
      cell(row, column.mappingId === undefined ? '' : String(column.mappingId), 'mono');
      cell(row, column.physicalName ?? '', 'mono');
    }
    cell(row, STATS_TEXT[column.stats], column.stats === 'none' ? 'muted' : '').dataset.stats = column.stats;
    const notes = cell(row, '', '');
    if (column.partition) notes.append(textElement('span', 'partition', 'badge'));
    if (column.generationExpression !== undefined) notes.append(textElement('span', 'generated', 'badge'), ` AS ${column.generationExpression}`);
    if (column.comment) notes.append(` ${column.comment}`);
  });
  table.addEventListener('keydown', (event) => moveFocus(table, event));
  doc.append(textElement('h2', 'Columns'), table);

  doc.append(textElement('h2', 'Constraints'));
  if (view.constraints.length === 0) doc.append(textElement('p', 'No CHECK constraints (delta.constraints.*).'));
  else {
    const constraints = detailsTable('constraints');
    for (const constraint of view.constraints) {
      const row = constraints.insertRow();
      cell(row, constraint.name, 'mono');
      cell(row, `CHECK (${constraint.expression})`, 'mono');
    }
    doc.append(constraints);
  }
  const notNull = view.columns.filter((c) => !c.nullable).map((c) => c.path.join('.'));
  if (notNull.length) doc.append(textElement('p', `NOT NULL: ${notNull.join(', ')}`));
  doc.append(textElement('h2', 'Statistics coverage'),
    textElement('p', `Data files carry statistics for the ${view.statsRule}. Columns with min/max can skip files for range filters.`));
  return doc;
}

/** Up/down move between column names, as in a tree. */
function moveFocus(table: HTMLTableElement, event: KeyboardEvent): void {
  const names = Array.from(table.tBodies[0]?.rows ?? [], (row) => row.cells[0] as HTMLElement);
  const at = names.indexOf(document.activeElement as HTMLElement);
  const next = event.key === 'ArrowDown' ? at + 1 : event.key === 'ArrowUp' ? at - 1 : -2;
  if (next < 0 || next >= names.length) return;
  event.preventDefault();
  names[next]?.focus();
}

/** A cell of the tree grid: text plus the gridcell role screen readers expect inside a treegrid. */
function cell(row: HTMLTableRowElement, text: string, className: string): HTMLTableCellElement {
  const td = textCell(row, text, className);
  td.setAttribute('role', 'gridcell');
  return td;
}
