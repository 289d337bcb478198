import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { OptimizePlan } from '../../ops/optimize/optimizePlan';
import { isOptimizeWebviewMessage, type OptimizeHostMessage, type OptimizeWebviewMessage } from '../../../webview/protocol/optimize';
import { PanelChannel } from '../panelChannel';
import { createPanel } from '../panelWebview';
import { errorMessage, showError } from '../showError';
import { withCancellableProgress } from '../withCancellableProgress';
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
 * cancels whatever is in flight; a webview reloaded from the background gets it all again.
 */
export function openOptimizePanel(deps: OptimizePanelDeps, location: string, choice: OptimizeChoice): void {
  const { extensionUri, log } = deps;
  const name = basename(location);
  const title = choice.zOrderBy.length ? `Z-order: ${name}` : `Optimize: ${name}`;
  const panel = createPanel(extensionUri, 'lakehouse.optimize', title);
  const closed = new AbortController();
  let plan: OptimizePlan | undefined;
  let running = false;
  // Everything posted, in order (a plan, then at most a few runs): a reloaded webview replays it.
  const shown: OptimizeHostMessage[] = [];
  // The one request is Run: it runs the plan shown, once at a time.
  const channel = new PanelChannel<OptimizeHostMessage, OptimizeWebviewMessage>(panel.webview, {
    extensionUri, app: 'optimize', title, isWebviewMessage: isOptimizeWebviewMessage,
    onMessage: () => {
      if (!plan || running) return;
      running = true;
      void run(plan).finally(() => { running = false; });
    },
    onReady: () => { for (const message of shown) channel.post(message); },
  });
  const post = (message: OptimizeHostMessage): void => {
    shown.push(message);
    if (channel.hasListened) channel.post(message);
  };
  panel.onDidDispose(() => closed.abort());

  const options = { zOrderBy: choice.zOrderBy, ...(choice.where === undefined ? {} : { where: choice.where }) };

  const fail = async (phase: 'plan' | 'run', error: unknown, signal: { cancelled: boolean }): Promise<void> => {
    post({ type: 'error', phase, cancelled: signal.cancelled, message: signal.cancelled ? `${phase === 'plan' ? 'Planning' : 'The run'} was cancelled; nothing was committed.` : errorMessage(error) });
    if (!signal.cancelled) await showError(log, `OPTIMIZE ${phase === 'plan' ? 'planning' : 'run'} failed for ${location}`, error);
  };

  const run = async (reviewed: OptimizePlan): Promise<void> => {
    post({ type: 'running' });
    let aborted: AbortSignal | undefined;
    try {
      const { runOptimize } = await import('../../ops/optimize/runOptimize');
      const result = await withCancellableProgress(`Optimizing ${name}`, (signal, onProgress) => {
        aborted = signal;
        return runOptimize(location, { ...options, plan: reviewed, signal, onProgress });
      }, closed.signal);
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
      plan = await withCancellableProgress(`Planning OPTIMIZE of ${name}`, (signal, onProgress) => {
        aborted = signal;
        return planOptimize(location, { ...options, signal, onProgress });
      }, closed.signal);
      post({ type: 'plan', plan });
    } catch (error) {
      await fail('plan', error, { cancelled: aborted?.aborted ?? false });
    }
  })();
}
