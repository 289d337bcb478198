import * as vscode from 'vscode';

/** The message a user sees: the engine's own (it says what to do), else the thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Logs the error with its stack and shows `what: <engine message>` with a "Show Log" action. */
export async function showError(log: vscode.LogOutputChannel, what: string, error: unknown): Promise<void> {
  log.error(`${what}:`, error);
  const choice = await vscode.window.showErrorMessage(`${what}: ${errorMessage(error)}`, 'Show Log');
  if (choice === 'Show Log') log.show();
}
