import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DeltaTable } from '../../src/delta/table';
import { writeTable } from '../../src/delta/write/writeTable';
import { planOptimize } from '../../src/ops/optimize/planOptimize';
import { runOptimize } from '../../src/ops/optimize/runOptimize';
import { rowsBatch, writeSmallFiles } from '../unit/optimize/optimizeTables';

const PYTHON = resolve('.venv/bin/python');
const run = promisify(execFile);

/** The rows delta-rs reads, as sorted JSON arrays [id, x, y, w, part, payload], w as its exact IEEE bytes. */
const DUMP = `
import json, os, struct, sys
from deltalake import DeltaTable
dt = DeltaTable(sys.argv[1])
rows = dt.to_pyarrow_table(columns=["id", "x", "y", "w", "part", "payload"]).to_pylist()
print(json.dumps({"version": dt.version(), "files": len(dt.file_uris()),
  "rows": sorted(json.dumps([r["id"], r["x"], r["y"], struct.pack("<d", r["w"]).hex(), r["part"], r["payload"]]) for r in rows)}))
# delta-rs' threads can abort the interpreter's shutdown (SIGABRT, delta-io/delta-rs#2184): leave at once.
sys.stdout.flush()
os._exit(0)
`;

async function deltaRsRead(dir: string): Promise<{ version: number; files: number; rows: string[] }> {
  const { stdout } = await run(PYTHON, ['-c', DUMP, dir], { maxBuffer: 1 << 30 });
  return JSON.parse(stdout) as { version: number; files: number; rows: string[] };
}

async function ourRows(dir: string): Promise<string[]> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  const rows: string[] = [];
  for await (const batch of snapshot.scan({ columns: ['id', 'x', 'y', 'w', 'part', 'payload'] }).batches()) {
    for (const row of batch) {
      const r = row?.toJSON() as { id: bigint; x: bigint; y: bigint; w: number; part: string; payload: string };
      const w = Buffer.alloc(8);
      w.writeDoubleLE(r.w);
      rows.push(`[${r.id}, ${r.x}, ${r.y}, "${w.toString('hex')}", ${JSON.stringify(r.part)}, ${JSON.stringify(r.payload)}]`);
    }
  }
  return rows.sort();
}

function havePython(t: TestContext): boolean {
  if (existsSync(PYTHON)) return true;
  t.skip('needs .venv/bin/python with deltalake (run .ci/run)');
  return false;
}

describe('delta-rs reads tables after our OPTIMIZE', () => {
  test('2,000 small files compacted: same rows, planned file count, concurrent append kept', async (t) => {
    if (!havePython(t)) return;
    const root = await mkdtemp(join(tmpdir(), 'lakehouse-optimize-interop-'));
    const dir = join(root, 'table');
    try {
      await writeSmallFiles(dir, 2000, 20, { parts: ['a', 'b'], partitioned: true });
      const before = await deltaRsRead(dir);
      assert.equal(before.files, 2000);
      assert.deepEqual(before.rows, await ourRows(dir));
      const plan = await planOptimize(dir, { targetFileSize: 1024 * 1024 });
      assert.equal(plan.filesToRemove, 2000);
      const result = await runOptimize(dir, {
        plan,
        beforeCommit: async () => { await writeTable(dir, [rowsBatch(1_000_000, 7, 'b')]); },
      });
      assert.equal(result.filesAdded, plan.filesToAdd);
      const after = await deltaRsRead(dir);
      assert.equal(after.version, 2);
      assert.equal(after.files, plan.fileCountAfter + 1, 'the planned files plus the concurrent append');
      assert.equal(after.rows.length, before.rows.length + 7);
      assert.deepEqual(after.rows, await ourRows(dir));
      assert.deepEqual(after.rows.filter((r) => !r.startsWith('[100000')), before.rows);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('Z-ordered table (tags, spilled sort): delta-rs reads the same rows', async (t) => {
    if (!havePython(t)) return;
    const root = await mkdtemp(join(tmpdir(), 'lakehouse-zorder-interop-'));
    const dir = join(root, 'table');
    try {
      await writeSmallFiles(dir, 10, 3000, { parts: ['a', 'b'], partitioned: true });
      const before = await deltaRsRead(dir);
      const result = await runOptimize(dir, { zOrderBy: ['y', 'x'], targetFileSize: 32 * 1024, memoryBudget: 1024 * 1024 });
      assert.ok(result.spillFiles > 0);
      const after = await deltaRsRead(dir);
      assert.equal(after.files, result.plan.fileCountAfter);
      assert.deepEqual(after.rows, before.rows);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
