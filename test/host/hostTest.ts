import { renameSync, writeFileSync } from 'node:fs';

/** One in-host test: runs inside the extension host with the real `vscode` API. */
export interface HostTest {
  name: string;
  run: () => Promise<void>;
}

export interface HostTestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/** The file the host tests write their results to, read by the e2e test (test/e2e/hostApi.test.ts). */
export interface HostTestReport {
  results: HostTestResult[];
}

/**
 * Runs the tests one after another (they share one workbench) and writes every result to
 * `resultFile`, a failure included, so the runner outside the extension host can report each test
 * by name. Throws when any failed, which makes @vscode/test-electron exit non-zero.
 */
export async function runHostTests(tests: readonly HostTest[], resultFile: string): Promise<void> {
  const results: HostTestResult[] = [];
  for (const test of tests) {
    const started = performance.now();
    try {
      await test.run();
      results.push({ name: test.name, ok: true, ms: performance.now() - started });
    } catch (error) {
      const text = error instanceof Error ? error.stack ?? error.message : String(error);
      results.push({ name: test.name, ok: false, ms: performance.now() - started, error: text });
    }
  }
  const report: HostTestReport = { results };
  // Written aside and renamed: the runner polls for the file and must never read half of it.
  writeFileSync(`${resultFile}.partial`, JSON.stringify(report, null, 2));
  renameSync(`${resultFile}.partial`, resultFile);
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) throw new Error(`${failed.length} of ${results.length} host tests failed: ${failed.map((f) => f.name).join(', ')}`);
}

export function isHostTestReport(value: unknown): value is HostTestReport {
  return typeof value === 'object' && value !== null && 'results' in value && Array.isArray(value.results)
    && value.results.every((result: unknown) => typeof result === 'object' && result !== null
      && 'name' in result && typeof result.name === 'string' && 'ok' in result && typeof result.ok === 'boolean');
}

/**
 * Polls `check` until it returns a value (not undefined) or `timeoutMs` passes; for UI state that
 * settles. The default allows for CI, where the extension host shares two cores with another suite.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}
