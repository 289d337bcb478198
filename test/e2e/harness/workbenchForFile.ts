import { after, afterEach, before } from 'node:test';
import { e2eToolsOrSkip } from './e2eGate';
import type { E2eTools } from './e2eEnvironment';
import { recordFailure } from './failureArtifacts';
import { openWorkbenchSession, type SessionOptions, type WorkbenchSession } from './workbenchSession';

/** One code-server session shared by the tests of a file, or why they are skipped. */
export interface WorkbenchHandle {
  session: WorkbenchSession | undefined;
  skipped: string;
}

/**
 * Registers the file's hooks: opens the workbench on a demo lakehouse once (skipping, or failing
 * under CI=true, when the e2e tools are missing), records a screenshot and the logs after each
 * failed test, and closes the workbench after the last test.
 * Options that need the tools or work of their own (a big table made first) come from a function.
 */
export function workbenchForFile(options: SessionOptions | ((tools: E2eTools) => SessionOptions | Promise<SessionOptions>) = {}): WorkbenchHandle {
  const handle: WorkbenchHandle = { session: undefined, skipped: 'not started' };
  before(async () => {
    const tools = e2eToolsOrSkip();
    if ('skip' in tools) handle.skipped = tools.skip;
    else handle.session = await openWorkbenchSession(tools, typeof options === 'function' ? await options(tools) : options);
  });
  afterEach(async (t) => {
    // node 20.12+ sets `passed` on the context afterEach hooks get; @types/node does not declare it.
    const failed = 'passed' in t && t.passed === false;
    if (failed && handle.session) await recordFailure(handle.session, t.name);
  });
  after(async () => handle.session?.close());
  return handle;
}
