import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HOST_TEST_RESULT_ENV } from '../host/hostEnvironment';
import { isHostTestReport, type HostTestReport } from '../host/hostTest';
import { screenshot } from './harness/workbench';
import { workbenchForFile } from './harness/workbenchForFile';
import type { WorkbenchSession } from './harness/workbenchSession';

/**
 * The in-host API tests (test/host, bundled to dist/hostTests.cjs) run inside code-server's
 * extension host as `extensionTestsPath`; they write their results to a file this test reads and
 * reports one by one. `npm run test:host` runs this file alone.
 */
const scratch = mkdtempSync(join(tmpdir(), 'lakehouse-host-results-'));
const resultFile = join(scratch, 'results.json');
const workbench = workbenchForFile((tools) => ({
  hostTests: { extensionTestsPath: join(tools.repoRoot, 'dist', 'hostTests.cjs'), env: { [HOST_TEST_RESULT_ENV]: resultFile } },
}));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('in-host API tests: tree provider and lakehouse.* commands', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const report = await waitForReport(session);
  await screenshot(session.page, 'host-api-tests');
  assert.ok(report.results.length >= 10, `only ${report.results.length} host tests reported`);
  for (const result of report.results) {
    await t.test(result.name, () => {
      assert.ok(result.ok, result.error);
    });
  }
});

/** Waits for the results file (the whole host suite takes seconds; a loaded machine, minutes). */
async function waitForReport(running: WorkbenchSession): Promise<HostTestReport> {
  const deadline = Date.now() + 300_000;
  while (!existsSync(resultFile)) {
    if (Date.now() > deadline) {
      await screenshot(running.page, 'host-api-tests-timeout');
      throw new Error(`The host tests wrote no results within 300 s. code-server output:\n${running.server.log().slice(-4000)}`);
    }
    await running.page.waitForTimeout(250);
  }
  const report: unknown = JSON.parse(readFileSync(resultFile, 'utf8'));
  assert.ok(isHostTestReport(report), 'malformed host test results');
  return report;
}
