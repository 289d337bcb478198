import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createDemoLakehouse, type DemoTableName } from '../../../scripts/demo-lakehouse';
import { launchBrowser } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import type { E2eTools } from './e2eEnvironment';
import { UI_TIMEOUT } from './uiTimeout';
import { openWorkbench } from './workbench';

/** VS Code (code-server) on a fresh demo lakehouse with our extension loaded, in a browser page. */
export interface WorkbenchSession {
  page: Page;
  workspace: string;
  tables: Record<DemoTableName, string>;
  server: CodeServer;
  close: () => Promise<void>;
}

export interface SessionOptions {
  /** User settings, e.g. a small `lakehouse.preview.pageSize` to make paging visible. */
  settings?: Record<string, unknown>;
  /** Adds files to the workspace before VS Code opens it (e.g. a broken table). */
  prepare?: (workspace: string) => void;
  /** Runs this module in the extension host as `extensionTestsPath`, with `env` set for it. */
  hostTests?: { extensionTestsPath: string; env: Record<string, string> };
}

export async function openWorkbenchSession(tools: E2eTools, options: SessionOptions = {}): Promise<WorkbenchSession> {
  const workspace = mkdtempSync(join(tmpdir(), 'lakehouse-e2e-ws-'));
  const tables = createDemoLakehouse(workspace);
  options.prepare?.(workspace);
  const server = await startCodeServer(tools, workspace, tools.repoRoot, {
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.hostTests ? { extensionTestsPath: options.hostTests.extensionTestsPath, env: options.hostTests.env } : {}),
  });
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server.stop();
    rmSync(workspace, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  try {
    browser = await launchBrowser(tools);
    // en-US whatever the machine's LANG: panels format numbers for the reader's locale (20,000).
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
    // Waits and actions given no timeout of their own (Playwright's default is 30 s).
    page.setDefaultTimeout(UI_TIMEOUT);
    await openWorkbench(page, server.url);
    return { page, workspace, tables, server, close };
  } catch (error) {
    const output = server.log().split('\n').slice(-20).join('\n');
    await close();
    throw new Error(`the workbench did not open: ${error instanceof Error ? error.message : String(error)}\ncode-server output, last lines:\n${output}`, { cause: error });
  }
}
