import type { ColumnSkipping, OptimizeBin, OptimizePlan, OptimizeResult, SkippingFigures } from '../../src/ops/optimize/optimizePlan';
import { formatBytes } from '../../src/util/formatBytes';
import { div, textElement } from '../dom';
import { isOptimizeHostMessage, type OptimizeWebviewMessage } from '../protocol/optimize';
import { hostSender, listenToHost } from '../vscodeApi';
import { button } from '../widgets/button';
import { detailsTable, keyValueTable, textCell } from '../widgets/detailsTable';
import { errorAlert, statusLine } from '../widgets/liveRegion';
import { sizeHistogramChart } from './sizeHistogramChart';

/** More bins than this are summarised in one line: the table is for reading, not for 10,000 rows. */
const MAX_BINS_SHOWN = 200;

const REASONS: Record<OptimizeBin['reason'], string> = { smallFiles: 'small files', deletedRows: 'deleted rows', zOrder: 'Z-order' };

/** The OPTIMIZE plan panel: the plan as the host computed it, a Run button, then the measured result. */
export function startOptimize(root: HTMLElement): void {
  const send = hostSender<OptimizeWebviewMessage>();
  const toolbar = div('toolbar');
  const run = button('Run', 'Rewrite the files as planned and commit (dataChange=false)');
  run.disabled = true;
  run.classList.add('run');
  const status = statusLine('Planning…');
  toolbar.append(run);
  const doc = div('document');
  root.append(toolbar, status, doc);
  let plan: OptimizePlan | undefined;
  run.addEventListener('click', () => {
    run.disabled = true;
    send({ type: 'run' });
  });

  listenToHost(isOptimizeHostMessage, (message) => {
    switch (message.type) {
      case 'plan':
        plan = message.plan;
        status.textContent = planStatus(plan);
        run.disabled = plan.bins.length === 0;
        doc.replaceChildren(...renderPlan(plan, undefined));
        break;
      case 'running':
        run.disabled = true;
        status.textContent = 'Running… (cancel from the notification)';
        break;
      case 'result':
        status.textContent = message.result.version === null
          ? 'Nothing to do: no files were rewritten.'
          : `Committed version ${message.result.version} in ${(message.result.durationMs / 1000).toFixed(1)} s`;
        doc.replaceChildren(...renderPlan(message.result.plan, message.result));
        break;
      case 'error':
        doc.prepend(errorAlert(message.message));
        status.textContent = message.phase === 'plan' ? 'No plan.' : 'Not run.';
        // After a cancelled run the plan still holds; after a failed one it may not (the table moved on).
        run.disabled = !(message.phase === 'run' && message.cancelled);
        break;
    }
  });
}

function planStatus(plan: OptimizePlan): string {
  const what = plan.mode === 'zOrder' ? `Z-order by ${plan.zOrderBy.join(', ')}` : 'compaction';
  const where = plan.where ? ` where ${plan.where}` : '';
  if (plan.bins.length === 0) return `${plan.table} · version ${plan.version} · ${what}${where}: nothing to do`;
  return `${plan.table} · version ${plan.version} · ${what}${where} · plan only, nothing written yet`;
}

function renderPlan(plan: OptimizePlan, result: OptimizeResult | undefined): Element[] {
  const parts: Element[] = [];
  if (result) parts.push(textElement('h2', 'Result'), resultTable(plan, result));
  parts.push(textElement('h2', 'Plan'), summaryTable(plan));
  parts.push(textElement('h2', 'File sizes'), sizeHistogramChart(plan.histogram));
  if (plan.mode === 'zOrder') parts.push(textElement('h2', 'Data skipping'), skippingTable(plan.skipping));
  parts.push(textElement('h2', `Bins (${plan.bins.length})`), binsTable(plan.bins));
  if (plan.notes.length) {
    const list = document.createElement('ul');
    list.className = 'notes';
    for (const note of plan.notes) list.append(textElement('li', note));
    parts.push(textElement('h2', 'Notes'), list);
  }
  return parts;
}

function summaryTable(plan: OptimizePlan): HTMLTableElement {
  const rows: [string, string][] = [
    ['Files in table', count(plan.filesInTable)],
    ['Files considered', count(plan.filesConsidered)],
    ...(plan.mode === 'zOrder' ? [['Already clustered (left alone)', count(plan.filesAlreadyClustered)] as [string, string]] : []),
    ['Files to rewrite', count(plan.filesToRemove)],
    ['Files to write', count(plan.filesToAdd)],
    ['Bytes to rewrite', formatBytes(plan.bytesToRewrite)],
    ['File count', `${count(plan.fileCountBefore)} → ${count(plan.fileCountAfter)}`],
    ['Target file size', formatBytes(plan.targetFileSize)],
    ['Memory budget', formatBytes(plan.memoryBudget)],
  ];
  return keyValueTable(rows, 'summary', 'numeric');
}

function resultTable(plan: OptimizePlan, result: OptimizeResult): HTMLTableElement {
  const plannedRows = plan.bins.reduce((sum, bin) => sum + bin.liveRows, 0);
  const table = detailsTable('result', ['', 'Planned', 'Measured']);
  const body = table.createTBody();
  const rows: [string, string, string][] = [
    ['Files removed', count(plan.filesToRemove), count(result.filesRemoved)],
    ['Files added', count(plan.filesToAdd), count(result.filesAdded)],
    ['Bytes rewritten', formatBytes(plan.bytesToRewrite), formatBytes(result.bytesRemoved)],
    ['Bytes written', '', formatBytes(result.bytesAdded)],
    ['Rows written', count(plannedRows), count(result.rowsWritten)],
    ['Peak Arrow memory', `budget ${formatBytes(plan.memoryBudget)}`, formatBytes(result.peakHeldBytes)],
    ['Spill files', '', `${count(result.spillFiles)} (${formatBytes(result.spillBytes)})`],
    ['Commit attempts', '', count(result.attempts)],
  ];
  for (const [label, planned, measured] of rows) {
    const row = body.insertRow();
    row.dataset.metric = label;
    textCell(row, label, 'muted');
    textCell(row, planned, 'numeric');
    textCell(row, measured, 'numeric');
  }
  return table;
}

function skippingTable(columns: readonly ColumnSkipping[]): HTMLTableElement {
  const table = detailsTable('skipping', ['Column', 'Predicate', 'Files read before', 'Predicted after', 'Measured after', 'Values']);
  const body = table.createTBody();
  for (const column of columns) {
    for (const [kind, figures] of [['range (1% of values)', column.range], ['point (=)', column.point]] as const) {
      const row = body.insertRow();
      row.dataset.column = column.column;
      row.dataset.kind = kind.split(' ')[0] ?? kind;
      textCell(row, column.column, 'mono');
      textCell(row, kind, 'muted');
      textCell(row, percent(figures.before), 'numeric before');
      textCell(row, percent(figures.predicted), 'numeric predicted');
      textCell(row, measuredText(figures), 'numeric measured');
      textCell(row, `${column.low ?? 'null'} … ${column.high ?? 'null'} (${column.probes} probes)`, 'muted');
    }
  }
  return table;
}

function measuredText(figures: SkippingFigures): string {
  return figures.measured === undefined ? '—' : percent(figures.measured);
}

function binsTable(bins: readonly OptimizeBin[]): HTMLElement {
  if (bins.length === 0) return textElement('p', 'No bin: every partition is already at the target size (single-file bins are skipped).');
  const table = detailsTable('bins', ['Partition', 'Reason', 'Input files', 'Input bytes', 'Live rows', 'Output files']);
  const body = table.createTBody();
  for (const bin of bins.slice(0, MAX_BINS_SHOWN)) {
    const row = body.insertRow();
    textCell(row, partitionText(bin.partition), 'mono');
    textCell(row, REASONS[bin.reason], '');
    textCell(row, String(bin.files.length), 'numeric');
    textCell(row, formatBytes(bin.inputBytes), 'numeric');
    textCell(row, String(bin.liveRows), 'numeric');
    textCell(row, String(bin.outputFiles), 'numeric');
  }
  if (bins.length > MAX_BINS_SHOWN) {
    const rest = bins.slice(MAX_BINS_SHOWN);
    const row = body.insertRow();
    textCell(row, `… ${rest.length} more bins`, 'muted');
    textCell(row, '', '');
    textCell(row, String(rest.reduce((n, b) => n + b.files.length, 0)), 'numeric');
    textCell(row, formatBytes(rest.reduce((n, b) => n + b.inputBytes, 0)), 'numeric');
    textCell(row, String(rest.reduce((n, b) => n + b.liveRows, 0)), 'numeric');
    textCell(row, String(rest.reduce((n, b) => n + b.outputFiles, 0)), 'numeric');
  }
  return table;
}

function partitionText(partition: Record<string, string | null>): string {
  const entries = Object.entries(partition);
  return entries.length === 0 ? '(whole table)' : entries.map(([k, v]) => `${k}=${v ?? 'null'}`).join(', ');
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Counts with the reader's digit grouping (20,000 rather than 20000), as the other panels show them. */
function count(value: number): string {
  return value.toLocaleString();
}
