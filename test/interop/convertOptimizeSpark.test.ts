import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { DeltaTable } from '../../src/delta/table';
import { convertToDelta } from '../../src/ops/convert/convertToDelta';
import { runOptimize } from '../../src/ops/optimize/runOptimize';
import { canonicalNdjson } from '../helpers/canonicalNdjson';
import { REPO_ROOT, requirePeerPython } from '../helpers/peers';
import { writeSmallFiles } from '../unit/optimize/optimizeTables';
import { runCliCaptured } from '../helpers/runCliCaptured';

const FOLDERS = ['flat', 'hive', 'nested'] as const;

async function ourRows(dir: string): Promise<string[]> {
  const scanned = await runCliCaptured(['scan', dir, '--format', 'ndjson']);
  assert.equal(scanned.code, 0, scanned.stderr);
  return canonicalNdjson(scanned.stdout);
}

async function filesRead(dir: string, where: string): Promise<number> {
  return (await (await DeltaTable.open(dir)).snapshot()).scan({ where }).plan().length;
}

/** Inode, mtime and size of every data file: converting in place must leave them all as they were. */
async function identities(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || path.includes('_delta_log')) continue;
    const s = await stat(path, { bigint: true });
    out.set(relative(dir, path), `${s.ino}:${s.mtimeNs}:${s.size}`);
  }
  return out;
}

/** Runs the Spark script; `whileWaiting` runs between its write phase (READY) and its read phase. */
async function runSpark(python: string, root: string, whileWaiting: () => Promise<void>): Promise<void> {
  const child = spawn(python, [join(REPO_ROOT, 'test', 'interop', 'convert', 'spark_convert_optimize.py'), root], {
    cwd: REPO_ROOT, env: { ...process.env, PYTHONUNBUFFERED: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let done = false;
  let failure: unknown;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'READY') {
      try {
        await whileWaiting();
      } catch (error) {
        failure = error;
      }
      child.stdin.end('go\n');
    } else if (line === 'DONE') done = true;
  }
  const code = await exited;
  if (failure) throw failure;
  if (code !== 0 || !done) throw new Error(`spark_convert_optimize.py failed (exit ${code}):\n${stderr}`);
}

test('Spark: we convert Parquet folders Spark wrote, and Spark reads our converted, compacted and Z-ordered tables row for row', async (t) => {
  const python = requirePeerPython(t);
  if (python === undefined) return;
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-convert-spark-'));
  try {
    // Our compacted and Z-ordered tables, made before Spark starts.
    const compact = join(root, 'compact');
    await writeSmallFiles(compact, 20, 50, { parts: ['a', 'b'], partitioned: true });
    const compactRows = await ourRows(compact);
    const compacted = await runOptimize(compact, { targetFileSize: 1024 * 1024 });
    assert.deepEqual([compacted.filesRemoved, compacted.filesAdded], [20, 2]);
    const zorder = join(root, 'zorder');
    await writeSmallFiles(zorder, 8, 2000);
    const zorderRows = await ourRows(zorder);
    const zordered = await runOptimize(zorder, { zOrderBy: ['x', 'y'], targetFileSize: 48 * 1024 });
    assert.equal(zordered.filesRemoved, 8);
    assert.ok(zordered.filesAdded >= 4, `${zordered.filesAdded} files`);
    assert.deepEqual(await ourRows(compact), compactRows);
    assert.deepEqual(await ourRows(zorder), zorderRows);

    const expected = new Map<string, string[]>();
    await runSpark(python, root, async () => {
      const tables: Record<string, string> = { compact, zorder };
      for (const name of FOLDERS) {
        const dir = join(root, 'parquet', name);
        const before = await identities(dir);
        const result = await convertToDelta(dir);
        assert.equal(result.status, 'converted', name);
        const rows = canonicalNdjson(await readFile(join(root, 'expected', `${name}.ndjson`), 'utf8'));
        expected.set(name, rows);
        assert.equal(result.rows, rows.length, name);
        assert.deepEqual(await ourRows(dir), rows, `${name}: our scan of the converted table`);
        assert.deepEqual(await identities(dir), before, `${name}: no data file touched`);
        tables[name] = dir;
      }
      // Escaped and null partition values are pruned by value.
      const hive = join(root, 'parquet', 'hive');
      assert.equal(await filesRead(hive, "region = 'a/b' AND year = 2020"), 1);
      assert.equal(await filesRead(hive, 'region IS NULL'), 1);
      // Spark's footers (parquet-mr) keep float bounds: score = id / 4 in 3 files split by hash of id.
      const flat = join(root, 'parquet', 'flat');
      assert.equal(await filesRead(flat, 'score > 100'), 0);
      // Spark's own Delta stats write max "NaN" for the file holding a NaN: kept for `d > 15`, the other skipped.
      const nanTable = join(root, 'nan_delta');
      assert.equal(await filesRead(nanTable, 'd > 15'), 2);
      assert.equal(await filesRead(nanTable, 'd > 25'), 1);
      assert.equal(await filesRead(nanTable, 'd < 0'), 0);
      const nanRows = await runCliCaptured(['scan', nanTable, '--where', 'd > 25', '--format', 'ndjson']);
      assert.deepEqual(canonicalNdjson(nanRows.stdout), ['{"d":"NaN"}']);
      await writeFile(join(root, 'tables.json'), JSON.stringify(tables));
    });

    const sparkRows = async (name: string): Promise<string[]> => {
      const files = await readdir(join(root, 'spark'));
      if (files.includes(`${name}.error`)) assert.fail(`Spark cannot read ${name}: ${(await readFile(join(root, 'spark', `${name}.error`), 'utf8')).slice(0, 1500)}`);
      return canonicalNdjson(await readFile(join(root, 'spark', `${name}.ndjson`), 'utf8'));
    };
    for (const name of FOLDERS) assert.deepEqual(await sparkRows(name), expected.get(name), `Spark reads converted ${name}`);
    assert.deepEqual(await sparkRows('compact'), compactRows, 'Spark reads our compacted table');
    assert.deepEqual(await sparkRows('zorder'), zorderRows, 'Spark reads our Z-ordered table');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
