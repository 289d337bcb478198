import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { StructField } from '../../delta/schema';
import { cellText } from '../../format/jsonText';
import type { JsonRow, JsonValue } from '../../format/jsonValue';
import type { RowDiff } from '../../ops/diff/diffRows';
import type { GridCell } from '../../../webview/protocol/grid';
import {
  isDiffWebviewMessage, type DiffHostMessage, type DiffKind, type DiffWebviewMessage,
} from '../../../webview/protocol/rowDiff';
import { PanelChannel } from '../panelChannel';
import { createPanel } from '../panelWebview';
import { previewColumns } from '../preview/previewColumns';
import { errorMessage, showError } from '../showError';

export interface RowDiffRequest {
  location: string;
  fromVersion: number;
  toVersion: number;
  /** Key columns; empty compares whole rows. */
  key: string[];
}

const PAGE_SIZE = 200;

/**
 * The row-level diff tab. The diff runs on the host under a cancellable progress notification;
 * the webview gets the counts first and then the rows of the kind it shows, a page at a time.
 */
export class RowDiffPanel {
  private diff: RowDiff | undefined;
  private fields: StructField[] = [];
  /** The summary or failure shown, sent again to a webview reloaded from the background. */
  private shown: DiffHostMessage | undefined;
  private readonly channel: PanelChannel<DiffHostMessage, DiffWebviewMessage>;

  static open(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, request: RowDiffRequest): RowDiffPanel {
    return new RowDiffPanel(extensionUri, log, request);
  }

  private constructor(extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel, private readonly request: RowDiffRequest) {
    const title = `Diff: ${basename(request.location)} v${request.fromVersion} ↔ v${request.toVersion}`;
    const panel = createPanel(extensionUri, 'lakehouse.rowDiff', title);
    const abort = new AbortController();
    this.channel = new PanelChannel(panel.webview, {
      extensionUri, app: 'rowDiff', title, isWebviewMessage: isDiffWebviewMessage,
      onMessage: (message) => {
        if (message.type === 'copy') void vscode.env.clipboard.writeText(message.text);
        else this.sendRows(message.kind, message.offset);
      },
      onReady: () => { if (this.shown) this.channel.post(this.shown); },
    });
    panel.onDidDispose(() => abort.abort());
    void this.start(abort);
  }

  private async start(abort: AbortController): Promise<void> {
    const { location, fromVersion, toVersion, key } = this.request;
    const started = performance.now();
    try {
      const diff = await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification, title: `Comparing ${basename(location)} v${fromVersion} and v${toVersion}`, cancellable: true,
      }, async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        const [{ DeltaTable }, { diffRows }] = await Promise.all([import('../../delta/table'), import('../../ops/diff/diffRows')]);
        const table = await DeltaTable.open(location);
        const [from, to] = await Promise.all([table.snapshot({ version: fromVersion }), table.snapshot({ version: toVersion })]);
        this.fields = to.schema.fields;
        return diffRows(from, to, {
          key, signal: abort.signal,
          onProgress: (done, total, message) => progress.report({ message: `${message}: file ${done} of ${total}` }),
        });
      });
      this.diff = diff;
      this.fields = diff.columns.map((name) => this.fields.find((f) => f.name === name) as StructField);
      const elapsedMs = performance.now() - started;
      this.log.info(`Diff of ${location} v${fromVersion}..v${toVersion}: +${diff.counts.added} -${diff.counts.removed} ~${diff.counts.changed} in ${elapsedMs.toFixed(0)} ms`);
      this.show({
        type: 'summary', title: basename(location), fromVersion, toVersion, key: diff.key,
        columns: previewColumns({ kind: 'struct', fields: this.fields }), counts: diff.counts,
        listed: { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length },
        pageSize: PAGE_SIZE, elapsedMs,
      });
    } catch (error) {
      this.show({ type: 'error', message: abort.signal.aborted ? 'The comparison was cancelled.' : errorMessage(error) });
      if (!abort.signal.aborted) await showError(this.log, `Cannot compare versions of ${location}`, error);
    }
  }

  private sendRows(kind: DiffKind, offset: number): void {
    if (!this.diff) return;
    const end = offset + PAGE_SIZE;
    const rows: GridCell[][] = kind === 'changed'
      ? this.diff.changed.slice(offset, end).map((change) => this.fields.map((field) => {
        const before = change.before[field.name] ?? null;
        const after = change.after[field.name] ?? null;
        return change.changedColumns.includes(field.name) ? `${this.text(before, field) ?? 'NULL'} → ${this.text(after, field) ?? 'NULL'}` : this.text(after, field);
      }))
      : this.diff[kind].slice(offset, end).map((row: JsonRow) => this.fields.map((field) => this.text(row[field.name] ?? null, field)));
    this.post({ type: 'rows', kind, offset, rows });
  }

  private text(value: JsonValue, field: StructField): GridCell {
    return value === null ? null : cellText(value, field.type);
  }

  private post(message: DiffHostMessage): void {
    this.channel.post(message);
  }

  private show(message: DiffHostMessage): void {
    this.shown = message;
    if (this.channel.hasListened) this.post(message);
  }
}
