import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NdjsonFormatter } from '../../src/format/ndjsonFormatter';
import { relativeDeletionVectorPath } from '../../src/delta/deletionVectors/deletionVectorLocation';
import { DeltaTable } from '../../src/delta/table';
import { deleteRows } from '../../src/delta/write/deleteRows';
import { writeTable } from '../../src/delta/write/writeTable';
import { restoreTable } from '../../src/ops/restore/restoreTable';
import { vacuumTable } from '../../src/ops/vacuum/vacuumTable';
import { canonicalNdjson } from '../helpers/canonicalNdjson';
import { requirePeerPython, runPeerScript } from '../helpers/peers';
import { batchesOf } from '../unit/write/helpers';

const execFileAsync = promisify(execFile);

/** Small delta-rs actions the shared peer scripts do not have: vacuum dry run, history, writes. */
const DELTARS = String.raw`
import json, os, sys
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake
command, path = sys.argv[1], sys.argv[2]
if command == "vacuum-dry-run":
    table = DeltaTable(path)
    files = table.vacuum(retention_hours=0, dry_run=True, enforce_retention_duration=False, full=True)
    print(json.dumps(sorted(f[len(path):].lstrip("/") if f.startswith(path) else f for f in files)))
elif command == "history":
    print(json.dumps([h.get("operation") for h in DeltaTable(path).history()]))
elif command == "write":
    ids = json.loads(sys.argv[3])
    write_deltalake(path, pa.table({"id": pa.array(ids, pa.int64()), "part": pa.array(["p%d" % (i % 2) for i in ids])}),
                    mode=sys.argv[4], partition_by=["part"])
# delta-rs' threads can abort the interpreter's shutdown (SIGABRT, delta-io/delta-rs#2184): leave at once.
sys.stdout.flush()
os._exit(0)
`;

async function deltars(python: string, args: string[]): Promise<unknown> {
  const { stdout } = await execFileAsync(python, ['-c', DELTARS, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim() === '' ? 'null' : stdout) as unknown;
}

async function ourLines(dir: string, version?: number): Promise<string[]> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot(version === undefined ? {} : { version });
  const formatter = new NdjsonFormatter(snapshot.schema);
  const lines: string[] = [];
  for await (const batch of snapshot.scan().batches()) lines.push(...formatter.batch(batch));
  return canonicalNdjson(lines.join('\n'));
}

async function theirLines(python: string, dir: string, version?: number): Promise<string[]> {
  return canonicalNdjson(await runPeerScript(python, 'dump_rows.py', ['deltars', dir, ...(version === undefined ? [] : ['--version', String(version)])]));
}

async function withTable(t: TestContext, body: (python: string, dir: string) => Promise<void>): Promise<void> {
  const python = requirePeerPython(t);
  if (!python) return;
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-interop-vacuum-'));
  try {
    await body(python, join(root, 'table'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Table-relative paths of the deletion vector files the latest version reads. */
async function activeDeletionVectorFiles(dir: string): Promise<string[]> {
  const table = await DeltaTable.open(dir);
  return (await table.snapshot()).files().flatMap((file) => {
    const dv = file.deletionVector;
    return dv && dv.storageType === 'u' ? [relativeDeletionVectorPath(dv.pathOrInlineDv)] : [];
  });
}

/** The paths (relative to dir) that exist on disk. */
async function existing(dir: string, paths: readonly string[]): Promise<string[]> {
  const found = await Promise.all(paths.map(async (path) => ((await stat(join(dir, path)).catch(() => undefined)) ? [path] : [])));
  return found.flat();
}

const ids = (...values: number[]): BigInt64Array => BigInt64Array.from(values.map(BigInt));

describe('VACUUM and RESTORE interoperate with delta-rs', () => {
  test('our RESTORE and VACUUM: delta-rs reads the result identically, agrees on what VACUUM removes, shows the history', async (t) => {
    await withTable(t, async (python, dir) => {
      await writeTable(dir, batchesOf({ id: ids(1, 2, 3), part: ['a', 'b', 'a'] }), { partitionBy: ['part'], properties: { 'delta.enableDeletionVectors': 'true' } });
      await writeTable(dir, batchesOf({ id: ids(4), part: ['b'] }));
      await deleteRows(dir, 'id = 1');
      await writeTable(dir, batchesOf({ id: ids(9), part: ['c'] }), { mode: 'overwrite' });
      const v2 = await ourLines(dir, 2);
      await restoreTable(dir, { version: 2 });
      assert.deepEqual(await theirLines(python, dir), v2, 'delta-rs reads the restored table as version 2');

      const ours = await vacuumTable(dir, { retentionHours: 0, force: true, dryRun: true });
      const theirs = await deltars(python, ['vacuum-dry-run', dir]) as string[];
      // delta-rs' VACUUM does not know deletion vector files (delta-io/delta-rs#3454): it would
      // delete the restored file's DV, which the table needs. Spark, and we, keep it.
      const activeDvs = await activeDeletionVectorFiles(dir);
      assert.ok(activeDvs.length > 0);
      assert.ok(activeDvs.every((path) => !ours.files.includes(path)));
      assert.deepEqual(theirs.filter((path) => !activeDvs.includes(path)), [...ours.files].sort(), 'delta-rs and we would delete the same data files');
      assert.ok(ours.files.length > 0);
      await vacuumTable(dir, { retentionHours: 0, force: true });
      assert.deepEqual(await existing(dir, (await deltars(python, ['vacuum-dry-run', dir]) as string[]).filter((p) => !activeDvs.includes(p))), [],
        'after our VACUUM nothing delta-rs would delete is left');
      assert.deepEqual(await theirLines(python, dir), v2, 'the restored rows survive VACUUM');
      assert.deepEqual(await ourLines(dir), v2);
      const history = await deltars(python, ['history', dir]) as string[];
      assert.deepEqual(history.slice(0, 3), ['VACUUM END', 'VACUUM START', 'RESTORE']);
    });
  });

  test('we restore and vacuum a table delta-rs wrote; delta-rs still reads it', async (t) => {
    await withTable(t, async (python, dir) => {
      await deltars(python, ['write', dir, '[1, 2, 3]', 'append']);
      await deltars(python, ['write', dir, '[4, 5]', 'append']);
      await deltars(python, ['write', dir, '[7]', 'overwrite']);
      const v1 = await theirLines(python, dir, 1);
      assert.deepEqual(await ourLines(dir, 1), v1);
      const restored = await restoreTable(dir, { version: 1 });
      assert.equal(restored.version, 3);
      await vacuumTable(dir, { retentionHours: 0, force: true });
      assert.deepEqual(await theirLines(python, dir), v1);
      assert.deepEqual(await ourLines(dir), v1);
      // delta-rs lists the tombstoned paths whether or not they still exist; none must.
      assert.deepEqual(await existing(dir, await deltars(python, ['vacuum-dry-run', dir]) as string[]), []);
    });
  });
});
