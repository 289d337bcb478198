import { div, textElement } from '../dom';
import { isPipelineHostMessage, type PipelineStatus, type PipelineWebviewMessage } from '../protocol/pipeline';
import { hostSender, listenToHost } from '../vscodeApi';
import { button } from '../widgets/button';
import { keyValueTable } from '../widgets/detailsTable';
import { errorAlert, statusLine } from '../widgets/liveRegion';

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
  const status = statusLine('Reading the pipeline…');
  const doc = div('document');
  root.append(toolbar, status, doc);

  run.addEventListener('click', () => { run.disabled = true; send({ type: 'run' }); });
  follow.addEventListener('click', () => { follow.disabled = true; send({ type: 'follow' }); });
  stop.addEventListener('click', () => { stop.disabled = true; send({ type: 'stop' }); });

  listenToHost(isPipelineHostMessage, (message) => {
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
    if (s.lastError) parts.push(errorAlert(s.lastError));
    parts.push(textElement('h2', 'Status'), keyValueTable(rows(s), 'pipeline-status', 'mono'));
    doc.replaceChildren(...parts);
  });
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
