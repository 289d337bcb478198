import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { canonicalNdjson } from '../helpers/canonicalNdjson';
import { findPeerPython, REPO_ROOT, runPeerScript } from '../helpers/peers';
import { runCliCaptured } from '../helpers/runCliCaptured';

const execFileAsync = promisify(execFile);
const CASES = ['flat', 'partitioned', 'nested', 'legacy', 'widened'] as const;

/** Identity of every data file: a rewrite or a copy changes the inode, a touch the mtime. */
function fileIdentities(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '_delta_log') walk(path);
      } else {
        const stat = statSync(path, { bigint: true });
        out.set(relative(dir, path), `${stat.ino}:${stat.mtimeNs}:${stat.size}`);
      }
    }
  };
  walk(dir);
  return out;
}

describe('CONVERT TO DELTA on folders written by pyarrow', () => {
  const python = findPeerPython();
  let root = '';
  const before_ = new Map<string, Map<string, string>>();

  before(async () => {
    if (!python) return;
    root = mkdtempSync(join(tmpdir(), 'lakehouse-convert-'));
    await execFileAsync(python, [join(REPO_ROOT, 'test', 'interop', 'convert', 'make_parquet_folders.py'), root]);
    for (const name of CASES) before_.set(name, fileIdentities(join(root, name)));
  });
  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  for (const name of CASES) {
    test(`${name}: our scan and delta-rs read exactly pyarrow's rows; no data file touched`, async (t) => {
      if (!python) return t.skip('missing peer: no Python with pyarrow/deltalake (.venv or LAKEHOUSE_PYTHON)');
      const dir = join(root, name);
      const converted = await runCliCaptured(['convert', dir, '--json']);
      assert.equal(converted.code, 0, converted.stderr);
      const result = JSON.parse(converted.stdout) as { status: string; version: number; files: number; rows: number };
      assert.equal(result.status, 'converted');
      assert.equal(result.version, 0);

      const expected = canonicalNdjson(readFileSync(join(root, `${name}.expected.ndjson`), 'utf8'));
      assert.equal(result.rows, expected.length);
      const ours = await runCliCaptured(['scan', dir, '--format', 'ndjson']);
      assert.equal(ours.code, 0, ours.stderr);
      assert.deepEqual(canonicalNdjson(ours.stdout), expected);
      const deltaRs = await runPeerScript(python, 'dump_rows.py', ['deltars', dir]);
      assert.deepEqual(canonicalNdjson(deltaRs), expected);

      const identities = fileIdentities(dir);
      assert.deepEqual(identities, before_.get(name));
    });
  }

  test('flat: footer statistics skip files exactly (longs, 38-digit decimals, timestamps, truncated strings)', async (t) => {
    if (!python) return t.skip('missing peer');
    const dir = join(root, 'flat');
    const files = async (where: string): Promise<string[]> => {
      const listed = await runCliCaptured(['files', dir, '--where', where, '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      return (JSON.parse(listed.stdout) as Array<{ path: string }>).map((f) => f.path).sort();
    };
    // File k holds ids 100k..100k+99 in row groups of 30: stats are aggregated over row groups.
    assert.deepEqual(await files('id >= 250'), ['part-00002.parquet']);
    assert.deepEqual(await files('id < 100'), ['part-00000.parquet']);
    assert.deepEqual(await files('big > 1000000000000000000000000000150'), ['part-00001.parquet', 'part-00002.parquet']);
    assert.deepEqual(await files("at < '2024-01-01T00:01:40Z'"), ['part-00000.parquet']);
    assert.deepEqual(await files("day = '2024-04-10'"), ['part-00001.parquet']);
    // Strings are cut to 32 characters in stats: a prefix bound must still admit every file.
    assert.deepEqual(await files(`long_text = '${'x'.repeat(40)}150'`), ['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']);
    assert.deepEqual(await files("name = 'name-00205'"), ['part-00002.parquet']);
  });

  test('partitioned: escaped and null partition values are pruned by value', async (t) => {
    if (!python) return t.skip('missing peer');
    const dir = join(root, 'partitioned');
    const rows = await runCliCaptured(['scan', dir, '--where', "region = 'a:b c%d' AND year = 2021", '--columns', 'id', '--format', 'ndjson']);
    assert.deepEqual(canonicalNdjson(rows.stdout).map((l) => (JSON.parse(l) as { id: number }).id).sort((a, b) => a - b),
      Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 4 === 2 && i % 3 === 1));
    const nulls = await runCliCaptured(['files', dir, '--where', 'region IS NULL', '--json']);
    const paths = (JSON.parse(nulls.stdout) as Array<{ path: string }>).map((f) => f.path);
    assert.equal(paths.length, 3);
    assert.ok(paths.every((p) => p.includes('region=__HIVE_DEFAULT_PARTITION__/')), paths.join());
  });

  test('Spark (delta-spark) reads every converted table exactly as pyarrow does', async (t) => {
    if (!python) return t.skip('missing peer');
    try {
      await execFileAsync(python, ['-c', 'import pyspark, delta']);
    } catch {
      if (process.env.CI === 'true') throw new Error('missing peer: pyspark/delta-spark are not installed');
      return t.skip('missing peer: pyspark/delta-spark are not installed');
    }
    // One Spark session for all tables (a start costs seconds): dump_rows.py reads manifests.
    const tables = join(root, 'spark-tables');
    const dumps = join(root, 'spark-dumps');
    await execFileAsync('mkdir', ['-p', tables, dumps]);
    for (const name of CASES) {
      writeFileSync(join(tables, `${name}.json`), JSON.stringify({ name, producer: 'lakehouse convert', path: join('..', name), versions: [0], features: [] }));
    }
    await runPeerScript(python, 'dump_rows.py', ['spark', '--all', tables, '--out', dumps]);
    for (const name of CASES) {
      const expected = canonicalNdjson(readFileSync(join(root, `${name}.expected.ndjson`), 'utf8'));
      const error = join(dumps, name, 'v0.error');
      if (readdirSync(join(dumps, name)).includes('v0.error')) assert.fail(`Spark cannot read ${name}: ${readFileSync(error, 'utf8').slice(0, 2000)}`);
      assert.deepEqual(canonicalNdjson(readFileSync(join(dumps, name, 'v0.ndjson'), 'utf8')), expected, name);
    }
  });

  test('TIMESTAMP(NANOS) files are refused in place (Spark cannot read them), naming file and column', async (t) => {
    if (!python) return t.skip('missing peer');
    const refused = await runCliCaptured(['convert', join(root, 'nanos')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /error\[DELTA_INVALID_SCHEMA\]: nanos\.parquet: column ns stores TIMESTAMP\(NANOS\), which Spark cannot read/);
    assert.equal(readdirSync(join(root, 'nanos')).includes('_delta_log'), false);
  });

  test('a second convert is a no-op that says the folder already is a table', async (t) => {
    if (!python) return t.skip('missing peer');
    const dir = join(root, 'nested');
    const again = await runCliCaptured(['convert', dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already is a Delta table \(version 0\); nothing to do/);
    assert.deepEqual(readdirSync(join(dir, '_delta_log')).filter((f) => f.endsWith('.json')), ['00000000000000000000.json']);
  });
});
