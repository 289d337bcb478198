import { commandTests } from './commands.hostTest';
import { HOST_TEST_RESULT_ENV } from './hostEnvironment';
import { runHostTests } from './hostTest';
import { tablesTreeTests } from './tablesTree.hostTest';

/**
 * The `extensionTestsPath` entry (bundled to dist/hostTests.cjs): VS Code's extension host loads it
 * and awaits `run()`, in code-server (test/e2e/hostApi.test.ts) and under @vscode/test-electron
 * (test/host/electron/runElectronTests.ts) alike.
 */
export async function run(): Promise<void> {
  const resultFile = process.env[HOST_TEST_RESULT_ENV];
  if (!resultFile) throw new Error(`${HOST_TEST_RESULT_ENV} must name the file for the host test results`);
  await runHostTests([...tablesTreeTests, ...commandTests], resultFile);
}
