// Runs the in-host API tests (test/host, dist/hostTests.cjs) in desktop VS Code through
// @vscode/test-electron, where a VS Code build is present: VSCODE_EXECUTABLE names it, or else
// @vscode/test-electron uses (or, with internet access, downloads into) .vscode-test/.
// Usage: npm run test:electron   (on a Linux server without a display: xvfb-run -a npm run test:electron)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { createDemoLakehouse } from '../../../scripts/demo-lakehouse';
import { HOST_TEST_RESULT_ENV } from '../hostEnvironment';
import { isHostTestReport } from '../hostTest';

const repoRoot = resolve(import.meta.dirname, '../../..');

async function main(): Promise<number> {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (built.status !== 0) return built.status ?? 1;
  const scratch = mkdtempSync(join(tmpdir(), 'lakehouse-electron-'));
  try {
    const workspace = join(scratch, 'demo-lakehouse');
    createDemoLakehouse(workspace);
    const resultFile = join(scratch, 'results.json');
    const executable = process.env.VSCODE_EXECUTABLE;
    const exitCode = await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : { cachePath: join(repoRoot, '.vscode-test') }),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'dist', 'hostTests.cjs'),
      extensionTestsEnv: { [HOST_TEST_RESULT_ENV]: resultFile },
      launchArgs: [
        workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
        '--user-data-dir', join(scratch, 'user-data'), '--extensions-dir', join(scratch, 'extensions'),
      ],
    }).catch((error: unknown) => {
      console.error(`VS Code could not run the tests: ${error instanceof Error ? error.message : String(error)}`);
      console.error('Set VSCODE_EXECUTABLE to a VS Code build (the `code` binary), or run once with internet access to fill .vscode-test/.');
      return 1;
    });
    if (!existsSync(resultFile)) return exitCode || 1;
    const report: unknown = JSON.parse(readFileSync(resultFile, 'utf8'));
    if (!isHostTestReport(report)) throw new Error(`malformed results in ${resultFile}`);
    for (const result of report.results) {
      console.log(`${result.ok ? 'ok    ' : 'FAILED'} ${result.name} (${result.ms.toFixed(0)} ms)`);
      if (result.error) console.log(result.error.replace(/^/gm, '       '));
    }
    const failed = report.results.filter((result) => !result.ok).length;
    console.log(`${report.results.length - failed} passed, ${failed} failed`);
    return failed > 0 ? 1 : exitCode;
  } finally {
    rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

process.exitCode = await main();
