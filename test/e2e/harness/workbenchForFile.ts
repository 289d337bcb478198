import { after, before } from 'node:test';
import { e2eToolsOrSkip } from './e2eGate';
import { openWorkbenchSession, type SessionOptions, type WorkbenchSession } from './workbenchSession';

/** One code-server session shared by the tests of a file, or why they are skipped. */
export interface WorkbenchHandle {
  session: WorkbenchSession | undefined;
  skipped: string;
}

/**
 * Registers the file's before/after hooks: opens the workbench on a demo lakehouse once (skipping,
 * or failing under CI=true, when the e2e tools are missing) and closes it after the last test.
 */
export function workbenchForFile(options: SessionOptions = {}): WorkbenchHandle {
  const handle: WorkbenchHandle = { session: undefined, skipped: 'not started' };
  before(async () => {
    const tools = e2eToolsOrSkip();
    if ('skip' in tools) handle.skipped = tools.skip;
    else handle.session = await openWorkbenchSession(tools, options);
  });
  after(async () => handle.session?.close());
  return handle;
}
