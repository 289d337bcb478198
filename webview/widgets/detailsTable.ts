/**
 * The small fact tables of the panels (class `details` in media/panels.css), as opposed to the
 * virtualised data grid: every row is in the DOM, every cell plain text.
 */
export function detailsTable(className: string, headers: readonly string[] = []): HTMLTableElement {
  const table = document.createElement('table');
  table.className = `details ${className}`;
  if (headers.length > 0) {
    const head = table.createTHead().insertRow();
    for (const text of headers) {
      const th = document.createElement('th');
      th.textContent = text;
      head.append(th);
    }
  }
  return table;
}

/** A cell holding text (never HTML: the values come from data files and logs). */
export function textCell(row: HTMLTableRowElement, text: string, className: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/**
 * Label / value rows without a header; each row carries its label as `data-metric`, which is how
 * tests and styles find one figure.
 */
export function keyValueTable(entries: readonly (readonly [string, string])[], className: string, valueClassName: string): HTMLTableElement {
  const table = detailsTable(className);
  for (const [label, value] of entries) {
    const row = table.insertRow();
    row.dataset.metric = label;
    textCell(row, label, 'muted');
    textCell(row, value, valueClassName);
  }
  return table;
}
