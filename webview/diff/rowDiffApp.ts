import { div } from '../dom';
import { PageCache } from '../grid/pageCache';
import { VirtualGrid } from '../grid/virtualGrid';
import {
  DIFF_KINDS, isDiffHostMessage, type DiffKind, type DiffSummary, type DiffWebviewMessage,
} from '../protocol/rowDiff';
import { hostSender, listenToHost, savedViewState, saveViewState } from '../vscodeApi';
import { button } from '../widgets/button';
import { errorAlert, statusLine } from '../widgets/liveRegion';

const LABELS: Record<DiffKind, string> = { added: 'Added', removed: 'Removed', changed: 'Changed' };

/** The kind shown and its top row, kept across reloads of the webview (its tab back from the background). */
interface DiffViewState { kind: DiffKind; topRow: number }

function isDiffViewState(value: unknown): value is DiffViewState {
  return typeof value === 'object' && value !== null && 'kind' in value
    && (DIFF_KINDS as readonly unknown[]).includes(value.kind) && 'topRow' in value && Number.isInteger(value.topRow);
}

/** The row diff: counts first (one button per kind), then the rows of the chosen kind, paged. */
export function startRowDiff(root: HTMLElement): void {
  const send = hostSender<DiffWebviewMessage>();
  const status = statusLine('Comparing versions…');
  root.append(status);
  let summary: DiffSummary | undefined;
  let shown: { kind: DiffKind; cache: PageCache; grid: VirtualGrid } | undefined;
  const counts = div('counts');
  counts.setAttribute('role', 'tablist');
  const note = div('note');

  const show = (kind: DiffKind, topRow = 0): void => {
    if (!summary) return;
    shown?.grid.element.remove();
    const cache = new PageCache(summary.pageSize);
    // The host knows how many rows each list has: the grid's length is fixed from the start.
    cache.store(0, [], summary.listed[kind]);
    const grid = new VirtualGrid(summary.columns, cache, {
      request: (offset) => send({ type: 'loadRows', kind, offset }),
      copy: (text) => send({ type: 'copy', text }),
      moved: (top) => saveViewState({ kind, topRow: top } satisfies DiffViewState),
    });
    shown = { kind, cache, grid };
    for (const tab of Array.from(counts.children)) tab.setAttribute('aria-selected', String(tab.getAttribute('data-kind') === kind));
    root.append(grid.element);
    grid.schedule();
    if (topRow > 0) grid.scrollToRow(topRow);
  };

  listenToHost(isDiffHostMessage, (message) => {
    switch (message.type) {
      case 'summary': {
        summary = message;
        const by = message.key.length ? `by key (${message.key.join(', ')})` : 'by whole row';
        status.textContent = `${message.title} · version ${message.fromVersion} → ${message.toVersion} · ${by} · `
          + `${message.counts.unchanged.toLocaleString()} unchanged · compared in ${message.elapsedMs.toFixed(0)} ms`;
        counts.replaceChildren(...DIFF_KINDS.map((kind) => {
          const tab = button(`${LABELS[kind]}: ${message.counts[kind].toLocaleString()}`, `Show the ${kind} rows`);
          tab.className = `count count-${kind}`;
          tab.dataset.kind = kind;
          tab.setAttribute('role', 'tab');
          tab.addEventListener('click', () => show(kind));
          return tab;
        }));
        const cut = DIFF_KINDS.filter((kind) => message.listed[kind] < message.counts[kind]);
        note.textContent = [
          message.key.length ? 'Changed rows show old → new in the columns that differ.' : 'Without a key, a changed row is one removed and one added row.',
          cut.length ? `Only the first ${Math.max(...cut.map((k) => message.listed[k])).toLocaleString()} rows of a kind are listed; counts are exact.` : '',
        ].join(' ');
        root.append(counts, note);
        const saved = savedViewState(isDiffViewState);
        if (saved) show(saved.kind, saved.topRow);
        else show(DIFF_KINDS.find((kind) => message.counts[kind] > 0) ?? 'added');
        break;
      }
      case 'rows':
        if (shown?.kind !== message.kind) return;
        shown.cache.store(message.offset, message.rows, summary?.listed[message.kind]);
        shown.grid.schedule();
        break;
      case 'error':
        root.append(errorAlert(message.message));
        status.textContent = 'The versions could not be compared.';
        break;
    }
  });
}
