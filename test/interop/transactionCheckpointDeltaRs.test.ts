import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm/node';
import type { AddFile } from '../../src/delta/actions';
import { commitPath } from '../../src/delta/logFiles';
import { createTable } from '../../src/delta/transaction/createTable';
import { Transaction } from '../../src/delta/transaction/transaction';
import { SCHEMA } from '../unit/transaction/fixtures';
import { withTempDir } from '../helpers/withTempDir';

const PYTHON = resolve('.venv/bin/python');

const READ_WITH_DELTA_RS = `
import json, os, sys
from deltalake import DeltaTable
dt = DeltaTable(sys.argv[1])
rows = dt.to_pyarrow_table().to_pylist()
print(json.dumps({
  "version": dt.version(),
  "rows": sorted([[r["id"], r["part"]] for r in rows]),
  "txn": dt.transaction_version("writer"),
  "protocol": [dt.protocol().min_reader_version, dt.protocol().min_writer_version],
}))
# delta-rs' threads can abort the interpreter's shutdown (SIGABRT, delta-io/delta-rs#2184): leave at once.
sys.stdout.flush()
os._exit(0)
`;

/** A real Parquet data file with an `id` column (the partition column lives in the path only). */
async function writeDataFile(dir: string, part: string, name: string, ids: number[]): Promise<AddFile> {
  const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(tableFromArrays({ id: BigInt64Array.from(ids.map(BigInt)) }), 'stream')));
  await mkdir(join(dir, `part=${part}`), { recursive: true });
  await writeFile(join(dir, `part=${part}`, `${name}.parquet`), bytes);
  return {
    // Paths in the log are URL-encoded ("Add File" in PROTOCOL.md).
    path: `part=${encodeURIComponent(part)}/${name}.parquet`, partitionValues: { part }, size: bytes.length, modificationTime: Date.now(), dataChange: true,
    stats: JSON.stringify({ numRecords: ids.length, minValues: { id: Math.min(...ids) }, maxValues: { id: Math.max(...ids) }, nullCount: { id: 0 } }),
  };
}

test('delta-rs reads a table whose state before the last commit exists only in our checkpoint', { skip: existsSync(PYTHON) ? false : 'no .venv with deltalake' }, async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'], properties: { 'delta.checkpointInterval': '2' } });
    const expected: [number, string][] = [];
    for (let batch = 0; batch < 3; batch++) {
      const tx = await Transaction.start(table);
      const ids = [batch * 10, batch * 10 + 1];
      const part = batch % 2 === 0 ? 'a' : 'b c';
      tx.add({ add: await writeDataFile(dir, part, `batch-${batch}`, ids) });
      tx.setTxn('writer', batch);
      const result = await tx.commit({ operation: 'WRITE', parameters: { mode: 'Append' } });
      assert.equal(result.checkpointError, undefined);
      for (const id of ids) expected.push([id, part]);
    }
    // The commits the checkpoint of version 2 covers are gone: readers must use the checkpoint.
    for (const version of [0, 1, 2]) await rm(join(dir, commitPath(version)));
    const output = execFileSync(PYTHON, ['-c', READ_WITH_DELTA_RS, dir], { encoding: 'utf8' });
    const read = JSON.parse(output) as { version: number; rows: [number, string][]; txn: number; protocol: number[] };
    assert.equal(read.version, 3);
    assert.deepEqual(read.rows, expected.sort((a, b) => a[0] - b[0]));
    assert.equal(read.txn, 2);
    assert.deepEqual(read.protocol, [1, 2]);
  });
});
