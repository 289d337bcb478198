import { textElement } from '../dom';
import { div } from '../grid/virtualGrid';
import { isPipelineHostMessage, type PipelineStatus, type PipelineWebviewMessage } from '../protocol/pipeline';
import { hostSender } from '../vscodeApi';
import { button } from '../widgets/button';

const STATES: Record<PipelineStatus['state'], string> = {
  idle: 'Idle', running: 'Running', following: 'Following the source', stopping: 'Stopping (committing what is buffered)…',
};

/** The pipeline status panel: what the host reports, Run / Start following / Stop buttons. */
export function startPipeline(root: HTMLElement): void {
  const send = hostSender<PipelineWebviewMessage>();
  const toolbar = div('toolbar');
  const run = button('Run', 'Run once: snapshot, incremental, or cdc up to the current end of the WAL');
  const follow = button('Start', 'cdc: keep streaming changes until stopped');
  const stop = button('Stop', 'Stop: what is buffered is committed, and the server is told nothing past that commit');
  for (const b of [run, follow, stop]) {
    b.disabled = true;
    b.hidden = true;
  }
  toolbar.append(run, follow, stop);
  const status = div('status');
  status.setAttribute('role', 'status');
  status.textContent = 'Reading the pipeline…';
  const doc = div('document');
  root.append(toolbar, status, doc);

  run.addEventListener('click', () => { run.disabled = true; send({ type: 'run' }); });
  follow.addEventListener('click', () => { follow.disabled = true; send({ type: 'follow' }); });
  stop.addEventListener('click', () => { stop.disabled = true; send({ type: 'stop' }); });

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message: unknown = event.data;
    if (!isPipelineHostMessage(message)) return;
    const s = message.status;
    // Buttons that cannot act are hidden rather than greyed: the state reads at a glance.
    const idle = s.state === 'idle';
    run.hidden = !idle;
    run.disabled = !idle;
    follow.hidden = !idle || !s.canFollow;
    follow.disabled = !idle;
    stop.hidden = idle;
    stop.disabled = s.state === 'stopping';
    status.textContent = `${s.name} · ${s.mode} · ${STATES[s.state]}`;
    const parts: Element[] = [];
    if (s.lastError) {
      const error = div('error');
      error.setAttribute('role', 'alert');
      error.textContent = s.lastError;
      parts.push(error);
    }
    parts.push(textElement('h2', 'Status'), details(rows(s)));
    doc.replaceChildren(...parts);
  });
  send({ type: 'ready' });
}

function rows(s: PipelineStatus): [string, string][] {
  const position: [string, string] = s.position.kind === 'lsn' ? ['Last LSN', `${s.position.lsn} (slot ${s.position.slot})`]
    : s.position.kind === 'watermark' ? ['Watermark', `${s.position.column} = ${s.position.value}`]
      : [s.mode === 'incremental' ? 'Watermark' : s.mode === 'cdc' ? 'Last LSN' : 'Position', `— (${s.position.reason})`];
  return [
    ['Mode', s.mode],
    ['Source', s.source],
    ['Target', s.target],
    ['State', STATES[s.state]],
    ['Table version', s.tableVersion === null ? '— (not created yet)' : String(s.tableVersion)],
    ['Last commit', s.lastCommitAt === null ? '—' : new Date(s.lastCommitAt).toLocaleString()],
    position,
    ['Rows/s', s.rowsPerSecond === null ? `— (${s.rowsPerSecondBasis})` : `${formatRate(s.rowsPerSecond)} (${s.rowsPerSecondBasis})`],
    ['Lag', s.lagMs === null ? '—' : `${s.lagMs.toLocaleString()} ms`],
    ['Last run', s.lastRun ?? '—'],
    ['Last error', s.lastError ?? 'none'],
  ];
}

function formatRate(rate: number): string {
  return rate >= 100 ? Math.round(rate).toLocaleString() : rate.toFixed(1);
}

function details(entries: readonly [string, string][]): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'details pipeline-status';
  for (const [label, value] of entries) {
    const row = table.insertRow();
    row.dataset.metric = label;
    const name = row.insertCell();
    name.textContent = label;
    name.className = 'muted';
    const cell = row.insertCell();
    cell.textContent = value;
    cell.className = 'mono';
  }
  return table;
}
