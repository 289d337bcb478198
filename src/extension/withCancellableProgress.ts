import * as vscode from 'vscode';
import type { ProgressCallback } from '../util/progress';

/**
 * Runs a long operation under a cancellable notification. Cancel, or `closed` (the panel that
 * started the work going away), aborts the signal the work gets; its progress callback feeds the
 * notification's message.
 */
export function withCancellableProgress<T>(
  title: string,
  work: (signal: AbortSignal, onProgress: ProgressCallback) => Promise<T>,
  closed?: AbortSignal,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    closed?.addEventListener('abort', () => abort.abort(), { once: true });
    return work(abort.signal, (done, total, message) => progress.report({ message: total > 0 ? `${message} (${done}/${total})` : message }));
  });
}
