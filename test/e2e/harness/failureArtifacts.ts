import { extensionLog } from './extensionLog';
import { screenshot } from './workbench';
import type { WorkbenchSession } from './workbenchSession';

/**
 * What a failed UI test leaves behind to tell a CI flake from a bug: a screenshot of the page in
 * test-results/ and the ends of our extension log and of code-server's own output, printed.
 */
export async function recordFailure(session: WorkbenchSession, testName: string): Promise<void> {
  const name = `failure-${testName.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 80)}`;
  const shot = await screenshot(session.page, name).catch((error: unknown) => `none (${errorText(error)})`);
  let log: string;
  try {
    log = lastLines(extensionLog(session.server.userDataDir), 60);
  } catch (error) {
    log = `unreadable (${errorText(error)})`;
  }
  console.log(`# failure screenshot: ${shot}\n# extension log, last lines:\n${log}\n# code-server output, last lines:\n${lastLines(session.server.log(), 20)}`);
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
