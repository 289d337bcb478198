// Runs one or more test suites with node's test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs all|unit|conformance|interop|integration|e2e [more suites]
// Each suite is a folder under test/; files named *.test.ts are tests.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ALL = ['unit', 'conformance', 'interop', 'integration', 'e2e'];
const asked = process.argv.slice(2);
const suites = asked.length === 0 || asked.includes('all') ? ALL : asked;

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = suites.flatMap((suite) => testFiles(join('test', suite)));
if (files.length === 0) {
  console.error(`no test files in ${suites.join(', ')}`);
  process.exit(1);
}
// A hung test must not hang CI: node's runner fails a test file that runs longer than this (ending
// its process with SIGTERM) and counts it in the summary. Generous: the slowest file (the 1M-row
// Z-order) took 9 minutes at load 35 and over 15 at load 40. It bounds the whole file, so a test's
// own `timeout` cannot extend it.
const FILE_TIMEOUT_MS = 20 * 60_000;
const args = [
  '--import', 'tsx',
  '--test',
  '--test-concurrency=2',
  `--test-timeout=${FILE_TIMEOUT_MS}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/summary-reporter.mjs', '--test-reporter-destination=stdout',
  ...files,
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
