import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { E2eTools } from './e2eEnvironment';

/** A running code-server with its own isolated home; `url` opens the workspace with our extension. */
export interface CodeServer {
  url: string;
  port: number;
  /** VS Code's user data folder; its logs/ holds our LogOutputChannel's file. */
  userDataDir: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** No welcome page, chat pane or update checks: screenshots show our UI and nothing reaches out. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
};

/** code-server process groups of this test process not stopped yet. */
const running = new Set<ChildProcess>();
let exitHooked = false;

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts code-server on a free 127.0.0.1 port with everything it writes (HOME, TMPDIR, XDG dirs,
 * user data, extensions) in a temp dir, so runs never see each other or the developer's settings.
 * The extension is loaded for development through the `payload` URL query.
 */
export interface CodeServerOptions {
  settings?: Record<string, unknown>;
  /** A module the extension host runs as `extensionTestsPath` (in-host API tests). */
  extensionTestsPath?: string;
  /** More environment for code-server and so its extension host. */
  env?: Record<string, string>;
}

export async function startCodeServer(
  tools: E2eTools, workspace: string, extensionPath: string, options: CodeServerOptions = {},
): Promise<CodeServer> {
  const settings = options.settings ?? {};
  const home = mkdtempSync(join(tmpdir(), 'lakehouse-e2e-'));
  const dirs = ['home', 'tmp', 'config', 'data', 'cache', 'runtime', 'user-data', 'extensions'];
  for (const dir of dirs) mkdirSync(join(home, dir), { mode: 0o700 });
  mkdirSync(join(home, 'user-data', 'User'));
  writeFileSync(join(home, 'user-data', 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: `${tools.nodeBin}:${process.env.PATH ?? ''}`,
    HOME: join(home, 'home'), TMPDIR: join(home, 'tmp'),
    XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'), XDG_RUNTIME_DIR: join(home, 'runtime'),
    LANG: 'C.UTF-8',
    ...options.env,
  };
  const args = [
    tools.codeServer, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', join(home, 'user-data'), '--extensions-dir', join(home, 'extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override',
    // A built workbench honours the URL `payload` (extensionDevelopmentPath, extensionTestsPath)
    // only with the smoke-test driver enabled.
    '--vscode-option', 'enable-smoke-test-driver',
    workspace,
  ];
  // Its own process group: the extension host and watchers it forks are stopped with it, so none
  // is still writing into the temp home when it is removed.
  const child = spawn(join(tools.nodeBin, 'node'), args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  stopWithThisProcess(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await waitForHealth(port, child, () => output);

  const remote = (path: string): string => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extensionPath)],
    ...(options.extensionTestsPath ? [['extensionTestsPath', remote(options.extensionTestsPath)]] : []),
  ]);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
  return {
    url, port, userDataDir: join(home, 'user-data'), log: () => output,
    stop: async () => {
      await stopChild(child);
      rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

async function waitForHealth(port: number, child: ChildProcess, output: () => string): Promise<void> {
  // Minutes, not seconds: on a loaded CI machine code-server's start competes with the other suite.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  signalGroup(child, 'SIGKILL');
  throw new Error(`code-server did not answer on port ${port} within 120 s:\n${output()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  // Children that outlived code-server's own process.
  signalGroup(child, 'SIGKILL');
  running.delete(child);
}

/**
 * Stops code-server's process group when this test process ends without closing its session: the
 * test runner ends a file that outlived its timeout with SIGTERM, and a detached group would outlive it.
 */
function stopWithThisProcess(child: ChildProcess): void {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const server of running) signalGroup(server, 'SIGKILL');
    });
    process.once('SIGTERM', () => process.exit(143));
  }
  running.add(child);
}

/** Signals the process group code-server leads (started `detached`); gone already is fine. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
