import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOLDEN_DIR } from '../../conformance/goldenCorpus';
import { runCliCaptured } from '../../helpers/runCliCaptured';

describe('lakehouse CLI on real tables', () => {
  let root = '';
  let dv = '';
  let travel = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'lakehouse-cli-'));
    for (const name of ['dv-partitioned-with-checkpoint', 'time-travel-start-start20-start40']) {
      execFileSync('tar', ['--zstd', '-xf', join(GOLDEN_DIR, `${name}.tar.zst`), '-C', root]);
    }
    dv = join(root, 'dv-partitioned-with-checkpoint', 'delta');
    travel = join(root, 'time-travel-start-start20-start40', 'delta');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('scan --where --columns prints ndjson rows in schema order, deletion vectors applied', async () => {
    const { code, stdout } = await runCliCaptured(['scan', dv, '--where', 'col1 >= 40', '--columns', 'col1,part', '--format', 'ndjson']);
    assert.equal(code, 0);
    const rows = stdout.trim().split('\n').sort();
    const expected = Array.from({ length: 10 }, (_, i) => `{"col1":${40 + i},"part":${i}}`);
    assert.deepEqual(rows, expected);
    // Version 15 deleted col1 = 28 through a deletion vector: the row must not come back.
    const deleted = await runCliCaptured(['scan', dv, '--where', 'col1 = 28', '--format', 'ndjson']);
    assert.equal(deleted.stdout, '');
    const before = await runCliCaptured(['scan', dv, '--version', '14', '--where', 'col1 = 28', '--format', 'ndjson']);
    assert.deepEqual(before.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { col1: number }).col1), [28]);
  });

  test('scan --version reads an older version (time travel)', async () => {
    const counts: number[] = [];
    for (const version of ['0', '1', '2']) {
      const { stdout } = await runCliCaptured(['scan', travel, '--version', version, '--format', 'ndjson']);
      counts.push(stdout.trim().split('\n').length);
    }
    assert.deepEqual(counts, [10, 20, 30]);
  });

  test('files --where prunes by partition and info --json totals the table', async () => {
    const files = JSON.parse((await runCliCaptured(['files', dv, '--where', 'part = 1', '--json'])).stdout) as { path: string }[];
    assert.ok(files.length > 0 && files.every((f) => f.path.startsWith('part=1/')));
    const info = JSON.parse((await runCliCaptured(['info', dv, '--json'])).stdout) as { version: number; numRecords: number; numDeletedRecords: number };
    const scanned = (await runCliCaptured(['scan', dv, '--format', 'ndjson'])).stdout.trim().split('\n').length;
    assert.equal(info.version, 15);
    assert.equal(info.numRecords, scanned);
    assert.ok(info.numDeletedRecords > 0);
  });

  test('history lists versions newest first with operations', async () => {
    const entries = JSON.parse((await runCliCaptured(['history', travel, '--json'])).stdout) as { version: number; operation: string }[];
    assert.deepEqual(entries.map((e) => e.version), [2, 1, 0]);
    assert.ok(entries.every((e) => typeof e.operation === 'string' && e.operation.length > 0));
  });

  test('every command --help lists dispatches by the name it lists, to its own usage', async () => {
    const overview = await runCliCaptured(['--help']);
    assert.equal(overview.code, 0);
    // The overview prints each loaded command's spec.name; runCli dispatches on its own list of names.
    const names = [...overview.stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1] as string);
    assert.ok(names.length >= 20, `only ${names.length} commands listed`);
    for (const name of names) {
      const usage = await runCliCaptured([name, '--help']);
      assert.equal(usage.code, 0, `lakehouse ${name} --help: ${usage.stderr}`);
      assert.match(usage.stdout, new RegExp(`^Usage: lakehouse ${name} \\[options\\]`));
    }
  });

  test('bad input gives a coded error on stderr and exit 2, never a stack trace', async () => {
    const missing = await runCliCaptured(['info', join(root, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error\[DELTA_TABLE_NOT_FOUND\]: /);
    const badVersion = await runCliCaptured(['scan', travel, '--version', '99']);
    assert.equal(badVersion.code, 2);
    assert.match(badVersion.stderr, /^error\[DELTA_VERSION_NOT_FOUND\]: .*latest version of this table is 2/);
    const badPredicate = await runCliCaptured(['scan', travel, '--where', 'nosuch > 1']);
    assert.equal(badPredicate.code, 2);
    assert.match(badPredicate.stderr, /^error\[DELTA_INVALID_PREDICATE\]/);
    const usage = await runCliCaptured(['scan', travel, '--bogus']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^error\[USAGE\]/);
    assert.doesNotMatch(missing.stderr + badVersion.stderr + badPredicate.stderr, /\n\s+at /);
  });

  test('a truncated commit file and a corrupt data file are named in the error', async () => {
    const broken = join(root, 'broken');
    execFileSync('cp', ['-r', travel, broken]);
    writeFileSync(join(broken, '_delta_log', '00000000000000000002.json'), '{"add":{"path":"x.parq');
    const commit = await runCliCaptured(['scan', broken]);
    assert.equal(commit.code, 2);
    assert.match(commit.stderr, /^error\[DELTA_CORRUPT_COMMIT\]: Commit file _delta_log\/00000000000000000002.json is corrupt at line 1/);
  });
});
