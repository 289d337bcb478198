import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Data, DateDay, Decimal, Field, Int64, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8, makeData, vectorFromArray,
} from 'apache-arrow';
import { NdjsonFormatter } from '../../src/format/ndjsonFormatter';
import { DeltaTable } from '../../src/delta/table';
import { deleteRows } from '../../src/delta/write/deleteRows';
import { mergeRows } from '../../src/delta/write/mergeRows';
import { updateRows } from '../../src/delta/write/updateRows';
import { writeTable } from '../../src/delta/write/writeTable';
import { canonicalNdjson } from '../helpers/canonicalNdjson';
import { requirePeerPython, runPeerScript } from '../helpers/peers';

/** id, a partition column with characters Hive must escape, and the types whose encoding is easy to get wrong. */
function batch(ids: bigint[], part: string | null): RecordBatch {
  const n = ids.length;
  const decimal = new Decimal(3, 22, 128);
  const words = new Uint32Array(n * 4);
  ids.forEach((id, i) => {
    const v = BigInt.asUintN(128, id * 1_000_000_000_000_000n + 123n);
    for (let k = 0; k < 4; k++) words[i * 4 + k] = Number((v >> BigInt(32 * k)) & 0xffffffffn);
  });
  const nested = new Struct([new Field('label', new Utf8(), true)]);
  const fields = [
    new Field('id', new Int64(), true), new Field('part', new Utf8(), true), new Field('amount', decimal, true),
    new Field('at', new TimestampMicrosecond('UTC'), true), new Field('day', new DateDay(), true), new Field('info', nested, true),
  ];
  const children = [
    vectorFromArray(ids.map((id) => id + 9_007_199_254_740_000n), new Int64()).data[0] as Data,
    vectorFromArray(ids.map(() => part), new Utf8()).data[0] as Data,
    makeData({ type: decimal, length: n, nullCount: 0, data: words }),
    makeData({ type: new TimestampMicrosecond('UTC'), length: n, nullCount: 0, data: BigInt64Array.from(ids, (id) => 1_700_000_000_000_001n + id) }),
    makeData({ type: new DateDay(), length: n, nullCount: 0, data: Int32Array.from(ids, (id) => 19_000 + Number(id)) }),
    makeData({ type: nested, length: n, nullCount: 0, children: [vectorFromArray(ids.map((id) => `label ${id} ${'é'.repeat(40)}`), new Utf8()).data[0] as Data] }),
  ];
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
}

async function ourLines(dir: string, version: number): Promise<string[]> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot({ version });
  const formatter = new NdjsonFormatter(snapshot.schema);
  const lines: string[] = [];
  for await (const b of snapshot.scan().batches()) lines.push(...formatter.batch(b));
  return canonicalNdjson(lines.join('\n'));
}

async function assertDeltaRsReadsEveryVersion(t: TestContext, dir: string): Promise<void> {
  const python = requirePeerPython(t);
  if (!python) return;
  const latest = await (await DeltaTable.open(dir)).latestVersion();
  for (let version = 0; version <= latest; version++) {
    const theirs = canonicalNdjson(await runPeerScript(python, 'dump_rows.py', ['deltars', dir, '--version', String(version)]));
    const ours = await ourLines(dir, version);
    assert.ok(ours.length > 0, `version ${version} has rows`);
    assert.deepEqual(theirs, ours, `delta-rs and Lakehouse Studio read version ${version} identically`);
  }
}

const variants: Array<[string, Record<string, string>]> = [
  ['copy-on-write', {}],
  ['deletion vectors', { 'delta.enableDeletionVectors': 'true' }],
  ['column mapping (name) and change data feed', { 'delta.columnMapping.mode': 'name', 'delta.enableChangeDataFeed': 'true' }],
];

describe('delta-rs reads the tables we write', () => {
  for (const [name, properties] of variants) {
    test(`${name}: create, append, delete, update, merge, overwrite`, async (t) => {
      const root = await mkdtemp(join(tmpdir(), 'lakehouse-interop-write-'));
      const dir = join(root, 'table');
      try {
        await writeTable(dir, [batch([0n, 1n, 2n], 'a/b: c'), batch([3n, 4n], null)], { partitionBy: ['part'], properties });
        await writeTable(dir, [batch([5n, 6n, 7n], 'x y%z')]);
        await deleteRows(dir, 'id = 9007199254740001 OR id = 9007199254740006');
        await updateRows(dir, { amount: '1.5', day: "DATE '2024-02-29'" }, { where: 'id >= 9007199254740003' });
        await mergeRows(dir, [batch([2n, 8n], 'a/b: c')], { key: ['id'] });
        await writeTable(dir, [batch([20n, 21n], 'a/b: c')], { mode: 'overwrite', replaceWhere: "part = 'a/b: c'" });
        await assertDeltaRsReadsEveryVersion(t, dir);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  }
});
