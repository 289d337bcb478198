import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LoadedPipeline } from '../../ops/ingest/pipelineDefinition';
import { isPipelineWebviewMessage, type PipelineHostMessage, type PipelineWebviewMessage } from '../../../webview/protocol/pipeline';
import { PanelChannel } from '../panelChannel';
import { createPanel } from '../panelWebview';
import type { PipelineRuns } from './pipelineRuns';

export interface PipelinePanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  runs: PipelineRuns;
}

const open = new Map<string, vscode.WebviewPanel>();

/**
 * The status panel of one pipeline (one panel per pipeline file; opening it again reveals it).
 * It shows what the target table's log records plus the run in flight, and redraws after every
 * run event and every new commit in the table's log, whoever wrote it (the CLI included).
 */
export function openPipelinePanel(deps: PipelinePanelDeps, pipeline: LoadedPipeline): void {
  const existing = open.get(pipeline.file);
  if (existing) {
    existing.reveal();
    return;
  }
  const { extensionUri, log, runs } = deps;
  const title = `Pipeline: ${pipeline.name}`;
  const panel = createPanel(extensionUri, 'lakehouse.pipeline', title);
  open.set(pipeline.file, panel);
  const channel = new PanelChannel<PipelineHostMessage, PipelineWebviewMessage>(panel.webview, {
    extensionUri, app: 'pipeline', title, isWebviewMessage: isPipelineWebviewMessage,
    onMessage: (message) => {
      if (message.type === 'stop') runs.stop(pipeline.file);
      else void runs.run(pipeline, message.type === 'follow');
    },
    // A reloaded panel (its tab back from the background) starts blank: draw the status again.
    onReady: () => {
      ready = true;
      refresh();
    },
  });

  // At most one status read in flight; requests meanwhile collapse into one more read after it.
  let reading: Promise<void> | undefined;
  let again = false;
  let ready = false;
  const refresh = (): void => {
    if (!ready) return;
    if (reading) {
      again = true;
      return;
    }
    reading = (async () => {
      try {
        const { pipelineStatus, readTableFacts } = await import('./pipelineStatus');
        let facts = null;
        try {
          facts = await readTableFacts(pipeline);
        } catch (error) {
          log.warn(`Pipeline ${pipeline.name}: cannot read ${pipeline.definition.to}:`, error);
        }
        channel.post({ type: 'status', status: pipelineStatus(pipeline, facts, runs.get(pipeline.file), Date.now()) });
      } finally {
        reading = undefined;
        if (again) {
          again = false;
          refresh();
        }
      }
    })();
  };

  const logWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(join(pipeline.definition.to, '_delta_log')), '*.json'));
  const subscriptions = [
    channel,
    logWatcher,
    logWatcher.onDidCreate(refresh),
    runs.onDidChangeRun((file) => { if (file === pipeline.file) refresh(); }),
  ];
  panel.onDidDispose(() => {
    open.delete(pipeline.file);
    for (const subscription of subscriptions) subscription.dispose();
  });
}
