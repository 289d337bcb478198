import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { OptimizePlan } from '../../ops/optimize/optimizePlan';
import { isOptimizeWebviewMessage, type OptimizeHostMessage } from '../../../webview/protocol/optimize';
import { errorMessage, showError } from '../showError';
import { webviewHtml } from '../webviewHtml';
import type { OptimizeChoice } from './pickOptimizeOptions';

export interface OptimizePanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** Called after a commit so the tree shows the new version. */
  onDidOptimize: (location: string) => void;
}

/**
 * The OPTIMIZE plan panel: plans (nothing written), shows the plan, and runs exactly that plan when
 * the user presses Run, then shows the measured result beside the prediction. Closing the panel
 * cancels whatever is in flight.
 */
export function openOptimizePanel(deps: OptimizePanelDeps, location: string, choice: OptimizeChoice): void {
  const { extensionUri, log } = deps;
  const name = basename(location);
  const title = choice.zOrderBy.length ? `Z-order: ${name}` : `Optimize: ${name}`;
  const panel = vscode.window.createWebviewPanel('lakehouse.optimize', title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  });
  const closed = new AbortController();
  let plan: OptimizePlan | undefined;
  let running = false;
  const post = (message: OptimizeHostMessage): void => void panel.webview.postMessage(message);
  const ready = new Promise<void>((resolveReady) => {
    panel.webview.onDidReceiveMessage((message: unknown) => {
      if (!isOptimizeWebviewMessage(message)) return;
      if (message.type === 'ready') resolveReady();
      else if (plan && !running) {
        running = true;
        void run(plan).finally(() => { running = false; });
      }
    });
  });
  panel.onDidDispose(() => closed.abort());
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'optimize', title);

  const options = { zOrderBy: choice.zOrderBy, ...(choice.where === undefined ? {} : { where: choice.where }) };

  const withCancel = <T>(what: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Thenable<T> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: what, cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      closed.signal.addEventListener('abort', () => abort.abort(), { once: true });
      return work(abort.signal, (message) => progress.report({ message }));
    });

  const fail = async (phase: 'plan' | 'run', error: unknown, signal: { cancelled: boolean }): Promise<void> => {
    await ready;
    post({ type: 'error', phase, cancelled: signal.cancelled, message: signal.cancelled ? `${phase === 'plan' ? 'Planning' : 'The run'} was cancelled; nothing was committed.` : errorMessage(error) });
    if (!signal.cancelled) await showError(log, `OPTIMIZE ${phase === 'plan' ? 'planning' : 'run'} failed for ${location}`, error);
  };

  const run = async (reviewed: OptimizePlan): Promise<void> => {
    post({ type: 'running' });
    let aborted: AbortSignal | undefined;
    try {
      const { runOptimize } = await import('../../ops/optimize/runOptimize');
      const result = await withCancel(`Optimizing ${name}`, (signal, report) => {
        aborted = signal;
        return runOptimize(location, { ...options, plan: reviewed, signal, onProgress: (done, total, message) => report(`${message} (${done}/${total})`) });
      });
      log.info(`OPTIMIZE ${location}: version ${result.version ?? 'none'}, ${result.filesRemoved} files -> ${result.filesAdded} in ${result.durationMs.toFixed(0)} ms`);
      post({ type: 'result', result });
      if (result.version !== null) deps.onDidOptimize(location);
    } catch (error) {
      await fail('run', error, { cancelled: aborted?.aborted ?? false });
    }
  };

  void (async () => {
    let aborted: AbortSignal | undefined;
    try {
      const { planOptimize } = await import('../../ops/optimize/planOptimize');
      plan = await withCancel(`Planning OPTIMIZE of ${name}`, (signal, report) => {
        aborted = signal;
        return planOptimize(location, { ...options, signal, onProgress: (done, total, message) => report(`${message} (${done}/${total})`) });
      });
      await ready;
      post({ type: 'plan', plan });
    } catch (error) {
      await fail('plan', error, { cancelled: aborted?.aborted ?? false });
    }
  })();
}
