import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Data, DateDay, Decimal, Field, Float64, Int32, Int64, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8, makeData, vectorFromArray,
  type DataType as ArrowType,
} from 'apache-arrow';
import { tableChanges } from '../../src/delta/changes/tableChanges';
import { writeCheckpoint } from '../../src/delta/checkpoint/writeCheckpoint';
import { primitive } from '../../src/delta/schema';
import { DeltaTable } from '../../src/delta/table';
import { createTable } from '../../src/delta/transaction/createTable';
import { addConstraint } from '../../src/delta/write/addConstraint';
import { deleteRows } from '../../src/delta/write/deleteRows';
import { mergeRows } from '../../src/delta/write/mergeRows';
import { updateRows } from '../../src/delta/write/updateRows';
import { writeTable } from '../../src/delta/write/writeTable';
import { NdjsonFormatter } from '../../src/format/ndjsonFormatter';
import { runOptimize } from '../../src/ops/optimize/runOptimize';
import { restoreTable } from '../../src/ops/restore/restoreTable';
import { canonicalNdjson } from '../helpers/canonicalNdjson';
import { ensureInteropCorpus } from '../helpers/interopCorpus';
import { assertSameAnswer, changeQueryTables, peerQuery, type ChangeQuery, type PeerAnswer } from './changeFeed/changeFeedQueries';
import { requirePeerPython, runPeerScript } from '../helpers/peers';

/** What DESCRIBE HISTORY must show for one of our commits: the operation and some parameters and metrics. */
interface ExpectedCommit {
  operation: string;
  parameters?: Record<string, string>;
  metrics?: Record<string, string>;
}

/** One table of the check: where it is, which versions to compare, which change ranges to read. */
interface CheckedTable {
  name: string;
  path: string;
  versions: number[];
  /** Our commits, by version: what Spark's history must show for them. */
  history?: Map<number, ExpectedCommit>;
  changes?: Array<[number, number]>;
  /** Also read by delta-rs (the tables Spark made, which only the delta-rs write tests do not cover). */
  deltars?: boolean;
  /** Change feed reads by timestamp and across schema changes, answered by Spark only. */
  queries?: ChangeQuery[];
}

type PeerRows = string[] | { error: string };
interface PeerHistoryEntry {
  version: number;
  operation: string;
  operationParameters: Record<string, string>;
  operationMetrics: Record<string, string>;
  readVersion: number | null;
}
interface PeerView {
  rows: Record<string, PeerRows>;
  changes: Record<string, PeerRows>;
  queries?: Record<string, PeerAnswer>;
  history?: PeerHistoryEntry[] | { error: string };
}
type PeerResult = Record<string, { spark: PeerView; deltars?: PeerView }>;

type Column = [name: string, type: ArrowType, values: unknown[]];

function batchOf(columns: Column[]): RecordBatch {
  const fields = columns.map(([name, type]) => new Field(name, type, true));
  const length = columns[0]?.[2].length ?? 0;
  const children = columns.map(([, type, values]) => {
    if (type instanceof Decimal) return decimalData(type, values as bigint[]);
    // Arrow's builder takes timestamps as milliseconds: microseconds go in as they are stored.
    if (type instanceof TimestampMicrosecond) return makeData({ type, length, nullCount: 0, data: BigInt64Array.from(values as bigint[]) });
    return vectorFromArray(values, type).data[0] as Data;
  });
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length, nullCount: 0, children }));
}

function decimalData(type: Decimal, unscaled: bigint[]): Data {
  const words = new Uint32Array(unscaled.length * 4);
  unscaled.forEach((value, i) => {
    const v = BigInt.asUintN(128, value);
    for (let k = 0; k < 4; k++) words[i * 4 + k] = Number((v >> BigInt(32 * k)) & 0xffffffffn);
  });
  return makeData({ type, length: unscaled.length, nullCount: 0, data: words });
}

/** id, a partition value Hive must escape, a decimal, a timestamp, a date and a struct. */
function typedRows(ids: number[], part: string | null): RecordBatch {
  const label = new Struct([new Field('label', new Utf8(), true)]);
  return batchOf([
    ['id', new Int64(), ids.map(BigInt)],
    ['part', new Utf8(), ids.map(() => part)],
    ['amount', new Decimal(3, 22, 128), ids.map((id) => BigInt(id) * 1_000_000_000_000_000n - 7n)],
    ['at', new TimestampMicrosecond('UTC'), ids.map((id) => 1_700_000_000_000_001n + BigInt(id))],
    ['day', new DateDay(), ids.map((id) => new Date(Date.UTC(2024, 1, 28 + id)))],
    ['info', label, ids.map((id) => ({ label: `row ${id} é` }))],
  ]);
}

function simpleRows(ids: number[], name: (id: number) => string, region: (id: number) => string | null): RecordBatch {
  return batchOf([
    ['id', new Int64(), ids.map(BigInt)],
    ['name', new Utf8(), ids.map(name)],
    ['grp', new Int32(), ids.map((id) => id % 3)],
    ['region', new Utf8(), ids.map(region)],
  ]);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const allVersions = async (dir: string): Promise<number[]> => range(0, (await (await DeltaTable.open(dir)).latestVersion()) + 1);

/** Partitioned copy-on-write table: every DML, replaceWhere, a checkpoint, RESTORE, an append after. */
async function partitionedTable(root: string): Promise<CheckedTable> {
  const dir = join(root, 'ours_partitioned');
  const history = new Map<number, ExpectedCommit>();
  await writeTable(dir, [typedRows([0, 1, 2], 'a/b: c%'), typedRows([3, 4], null)], { partitionBy: ['part'] });
  history.set(0, { operation: 'WRITE', parameters: { mode: 'Append', partitionBy: '["part"]' }, metrics: { numOutputRows: '5', numFiles: '2' } });
  await writeTable(dir, [typedRows([5, 6, 7], 'x y=z')]);
  history.set(1, { operation: 'WRITE', parameters: { mode: 'Append' }, metrics: { numOutputRows: '3', numFiles: '1' } });
  await deleteRows(dir, 'id = 1 OR id = 6');
  history.set(2, { operation: 'DELETE', metrics: { numDeletedRows: '2', numRemovedFiles: '2', numAddedFiles: '2', numCopiedRows: '4' } });
  await updateRows(dir, { amount: '1.5', day: "DATE '2024-02-29'" }, { where: 'id >= 3' });
  history.set(3, { operation: 'UPDATE', metrics: { numUpdatedRows: '4' } });
  await mergeRows(dir, [typedRows([2, 8], 'a/b: c%')], { key: ['id'] });
  history.set(4, { operation: 'MERGE', metrics: { numTargetRowsUpdated: '1', numTargetRowsInserted: '1', numTargetRowsDeleted: '0', numSourceRows: '2' } });
  await writeTable(dir, [typedRows([20, 21], 'a/b: c%')], { mode: 'overwrite', replaceWhere: "part = 'a/b: c%'" });
  history.set(5, { operation: 'WRITE', parameters: { mode: 'Overwrite', predicate: '["part = \'a/b: c%\'"]' }, metrics: { numOutputRows: '2' } });
  await writeCheckpoint((await DeltaTable.open(dir)).store, 5);
  await restoreTable(dir, { version: 2 });
  history.set(6, { operation: 'RESTORE', parameters: { version: '2' }, metrics: { numOfFilesAfterRestore: '3' } });
  await writeTable(dir, [typedRows([30], 'after checkpoint')]);
  history.set(7, { operation: 'WRITE', metrics: { numOutputRows: '1' } });
  return { name: 'ours_partitioned', path: dir, versions: await allVersions(dir), history };
}

/** Deletion vectors and the Change Data Feed: DELETE, UPDATE, RESTORE, MERGE by vector, OPTIMIZE purging them. */
async function deletionVectorTable(root: string): Promise<CheckedTable> {
  const dir = join(root, 'ours_dv_cdf');
  const history = new Map<number, ExpectedCommit>();
  const name = (id: number): string => `n${id}`;
  await writeTable(dir, [simpleRows(range(0, 40), name, () => 'eu')], {
    properties: { 'delta.enableDeletionVectors': 'true', 'delta.enableChangeDataFeed': 'true' },
  });
  await writeTable(dir, [simpleRows(range(40, 60), name, () => 'us')]);
  await deleteRows(dir, 'grp = 0 AND id >= 20');
  history.set(2, { operation: 'DELETE', metrics: { numDeletedRows: '13', numDeletionVectorsAdded: '2' } });
  await updateRows(dir, { name: "'updated'" }, { where: 'id < 8' });
  history.set(3, { operation: 'UPDATE', metrics: { numUpdatedRows: '8' } });
  // RESTORE puts file 0 back under its version 2 vector: a remove and an add of one path, read as the rows the vectors differ on.
  await restoreTable(dir, { version: 2 });
  history.set(4, { operation: 'RESTORE', parameters: { version: '2' } });
  await mergeRows(dir, [simpleRows([7, 9, 11, 100], (id) => `m${id}`, () => 'merged')], { key: ['id'], deleteWhen: 'id = 9' });
  history.set(5, { operation: 'MERGE', metrics: { numTargetRowsDeleted: '1', numTargetRowsUpdated: '2', numTargetRowsInserted: '1' } });
  await runOptimize(dir, { deletedRowsThreshold: 0 });
  history.set(6, { operation: 'OPTIMIZE', parameters: { zOrderBy: '[]' } });
  await deleteRows(dir, 'id >= 50');
  history.set(7, { operation: 'DELETE', metrics: { numDeletedRows: '8' } });
  return { name: 'ours_dv_cdf', path: dir, versions: await allVersions(dir), history, changes: [[0, 7], [2, 5], [4, 4], [6, 6]] };
}

/** Column mapping (name) with a partition column and the Change Data Feed, copy-on-write. */
async function columnMappingTable(root: string): Promise<CheckedTable> {
  const dir = join(root, 'ours_column_mapping');
  const name = (id: number): string => `c${id}`;
  await writeTable(dir, [simpleRows(range(0, 6), name, (id) => (id % 2 ? 'odd' : null))], {
    partitionBy: ['region'], properties: { 'delta.columnMapping.mode': 'name', 'delta.enableChangeDataFeed': 'true' },
  });
  await writeTable(dir, [simpleRows(range(6, 9), name, () => 'new')]);
  await updateRows(dir, { grp: '42' }, { where: "region = 'odd'" });
  await deleteRows(dir, 'id = 2 OR id = 7');
  await mergeRows(dir, [simpleRows([0, 3, 50], (id) => `merged ${id}`, () => 'odd')], { key: ['id'] });
  const filesBefore = (await (await DeltaTable.open(dir)).snapshot()).fileCount;
  await writeTable(dir, [simpleRows([70, 71], name, () => 'over')], { mode: 'overwrite' });
  return {
    name: 'ours_column_mapping', path: dir, versions: await allVersions(dir), changes: [[0, 5], [3, 4]],
    history: new Map<number, ExpectedCommit>([
      [5, { operation: 'WRITE', parameters: { mode: 'Overwrite' }, metrics: { numOutputRows: '2', numRemovedFiles: String(filesBefore) } }],
    ]),
  };
}

/** NOT NULL and CHECK constraints and a timestamp_ntz column, made by createTable. */
async function constraintsTable(root: string): Promise<CheckedTable> {
  const dir = join(root, 'ours_constraints_ntz');
  await createTable(dir, {
    schema: {
      kind: 'struct',
      fields: [
        { name: 'id', type: primitive('long'), nullable: false, metadata: {} },
        { name: 'local', type: primitive('timestamp_ntz'), nullable: true, metadata: {} },
        { name: 'qty', type: primitive('integer'), nullable: true, metadata: {} },
      ],
    },
  });
  await addConstraint(dir, 'qty_positive', 'qty > 0');
  const rows = (ids: number[]): RecordBatch => batchOf([
    ['id', new Int64(), ids.map(BigInt)],
    ['local', new TimestampMicrosecond(), ids.map((id) => 1_000_000_000_000_000n + BigInt(id) * 3_600_000_000n)],
    ['qty', new Int32(), ids.map((id) => id + 1)],
  ]);
  await writeTable(dir, [rows([1, 2, 3])]);
  await updateRows(dir, { qty: '10' }, { where: 'id = 2' });
  await writeCheckpoint((await DeltaTable.open(dir)).store, 3);
  await writeTable(dir, [rows([4])]);
  return {
    name: 'ours_constraints_ntz', path: dir, versions: await allVersions(dir),
    history: new Map<number, ExpectedCommit>([
      [0, { operation: 'CREATE TABLE' }],
      [1, { operation: 'ADD CONSTRAINT', parameters: { name: 'qty_positive', expr: 'qty > 0' } }],
    ]),
  };
}

/** Small files compacted, then Z-ordered. */
async function optimizeTable(root: string): Promise<CheckedTable> {
  const dir = join(root, 'ours_optimize');
  for (let i = 0; i < 4; i++) {
    await writeTable(dir, [simpleRows(range(i * 10, i * 10 + 10), (id) => `o${id}`, (id) => (id % 2 ? 'a' : 'b'))], i === 0 ? { partitionBy: ['region'] } : {});
  }
  await runOptimize(dir);
  await writeTable(dir, [simpleRows(range(40, 45), (id) => `o${id}`, () => 'a')]);
  await runOptimize(dir, { zOrderBy: ['grp', 'id'] });
  return {
    name: 'ours_optimize', path: dir, versions: await allVersions(dir),
    history: new Map<number, ExpectedCommit>([
      [4, { operation: 'OPTIMIZE', parameters: { zOrderBy: '[]' }, metrics: { numRemovedFiles: '8', numAddedFiles: '2' } }],
      [6, { operation: 'OPTIMIZE', parameters: { zOrderBy: '["grp","id"]' }, metrics: { numOutputRows: '45' } }],
    ]),
  };
}

/**
 * Tables Spark made (the interop corpus), copied, then written by us: Spark and delta-rs must read
 * our versions of them as we do. Spark's own versions are checked by sparkTables.test.ts.
 */
async function continuedSparkTables(root: string, python: string): Promise<CheckedTable[]> {
  const corpus = await ensureInteropCorpus(python);
  const source = (name: string): string => {
    const table = corpus.tables.find((t) => t.producer === 'spark' && t.name === name);
    assert.ok(table, `the interop corpus has the Spark table ${name}`);
    return table.path;
  };
  const copy = async (name: string): Promise<{ dir: string; first: number }> => {
    const dir = join(root, `spark_${name}`);
    await cp(source(name), dir, { recursive: true });
    return { dir, first: (await (await DeltaTable.open(dir)).latestVersion()) + 1 };
  };
  const tables: CheckedTable[] = [];
  const done = async (name: string, dir: string, first: number, changes?: Array<[number, number]>): Promise<void> => {
    const latest = await (await DeltaTable.open(dir)).latestVersion();
    tables.push({ name: `spark_${name}`, path: dir, versions: range(first - 1, latest + 1), deltars: true, ...(changes ? { changes } : {}) });
  };

  const partitioned = await copy('partitioned');
  const partitionedRow = (ids: number[], region: string | null): RecordBatch => batchOf([
    ['id', new Int64(), ids.map(BigInt)], ['region', new Utf8(), ids.map(() => region)],
    ['day', new DateDay(), ids.map(() => new Date(Date.UTC(2024, 0, 2)))], ['amount', new Float64(), ids.map((id) => id / 4)],
  ]);
  await writeTable(partitioned.dir, [partitionedRow([10, 11], 'a b/c=d%'), partitionedRow([12], null)]);
  await deleteRows(partitioned.dir, "region = 'x:y#z' OR id = 2");
  await mergeRows(partitioned.dir, [partitionedRow([1, 13], 'ümlaut')], { key: ['id'] });
  await done('partitioned', partitioned.dir, partitioned.first);

  const dv = await copy('deletion_vectors');
  const dvRow = (ids: number[], value: string): RecordBatch => batchOf([['id', new Int64(), ids.map(BigInt)], ['value', new Utf8(), ids.map(() => value)]]);
  await deleteRows(dv.dir, 'id BETWEEN 60 AND 70');
  await updateRows(dv.dir, { value: "'ours'" }, { where: 'id BETWEEN 150 AND 160' });
  await mergeRows(dv.dir, [dvRow([1, 2, 500], 'merged')], { key: ['id'], deleteWhen: 'id = 2' });
  await writeTable(dv.dir, [dvRow([600, 601], 'appended')]);
  await done('deletion_vectors', dv.dir, dv.first);

  const mapped = await copy('column_mapping_name');
  const mappedRow = (ids: number[], town: string): RecordBatch => batchOf([
    ['id', new Int64(), ids.map(BigInt)], ['town', new Utf8(), ids.map(() => town)],
    ['info', new Struct([new Field('alpha', new Int32(), true), new Field('b', new Utf8(), true)]), ids.map((id) => ({ alpha: id, b: `b${id}` }))],
    ['name', new Utf8(), ids.map((id) => `name ${id}`)],
  ]);
  await writeTable(mapped.dir, [mappedRow([5, 6], 'oslo')]);
  await updateRows(mapped.dir, { name: "'renamed'" }, { where: 'id = 3' });
  await deleteRows(mapped.dir, 'id = 1');
  await mergeRows(mapped.dir, [mappedRow([4, 7], 'rome')], { key: ['id'] });
  await done('column_mapping_name', mapped.dir, mapped.first);

  const cdf = await copy('change_data_feed');
  await writeTable(cdf.dir, [dvRow([6, 7], 'ours')]);
  await updateRows(cdf.dir, { value: "'U'" }, { where: 'id = 1 OR id = 6' });
  await deleteRows(cdf.dir, 'id = 5');
  await mergeRows(cdf.dir, [dvRow([2, 8], 'merged')], { key: ['id'] });
  const cdfLatest = await (await DeltaTable.open(cdf.dir)).latestVersion();
  await done('change_data_feed', cdf.dir, cdf.first, [[0, cdfLatest], [cdf.first, cdfLatest], [2, 3]]);
  return tables;
}

async function ourRows(dir: string, version: number): Promise<string[]> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot({ version });
  const formatter = new NdjsonFormatter(snapshot.schema);
  const lines: string[] = [];
  for await (const batch of snapshot.scan().batches()) lines.push(...formatter.batch(batch));
  return canonicalNdjson(lines.join('\n'));
}

async function ourChanges(dir: string, from: number, to: number): Promise<string[]> {
  const changes = await tableChanges(await DeltaTable.open(dir), { fromVersion: from, toVersion: to });
  const formatter = new NdjsonFormatter(changes.schema);
  const lines: string[] = [];
  for await (const batch of changes.batches()) lines.push(...formatter.batch(batch));
  return canonicalNdjson(lines.join('\n'));
}

function withoutCommitTimestamp(lines: string[]): string[] {
  return lines.map((line) => {
    const row = JSON.parse(line) as Record<string, unknown>;
    delete row._commit_timestamp;
    return JSON.stringify(row);
  }).sort();
}

function peerLines(rows: PeerRows | undefined, what: string): string[] {
  assert.ok(rows !== undefined, `no peer result for ${what}`);
  assert.ok(Array.isArray(rows), `the peer cannot read ${what}: ${Array.isArray(rows) ? '' : rows.error}`);
  return canonicalNdjson(rows.join('\n'));
}

test('Spark (and delta-rs) read every version of tables we write, their history and their change feed', async (t) => {
  const python = requirePeerPython(t);
  if (python === undefined) return;
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-spark-writes-'));
  try {
    const tables: CheckedTable[] = [
      await partitionedTable(root), await deletionVectorTable(root), await columnMappingTable(root),
      await constraintsTable(root), await optimizeTable(root), ...await continuedSparkTables(root, python),
      ...await changeQueryTables(root),
    ];
    const request = join(root, 'request.json');
    await writeFile(request, JSON.stringify({
      tables: tables.map((table) => ({
        name: table.name, path: table.path, versions: table.versions, history: table.history !== undefined,
        changes: table.changes ?? [], deltars: table.deltars ?? false, queries: (table.queries ?? []).map(peerQuery),
      })),
    }));
    const result = JSON.parse(await runPeerScript(python, 'checks/peer_reads.py', [request])) as PeerResult;

    for (const table of tables) {
      const peers = result[table.name];
      assert.ok(peers, `peer result for ${table.name}`);
      await t.test(`${table.name}: rows at versions ${table.versions.join(', ')}`, async () => {
        for (const version of table.versions) {
          const ours = await ourRows(table.path, version);
          if (version === table.versions.at(-1)) assert.ok(ours.length > 0, `${table.name} v${version} has rows`);
          assert.deepEqual(peerLines(peers.spark.rows[String(version)], `${table.name} v${version} (Spark)`), ours, `Spark reads ${table.name} v${version} as we do`);
          if (peers.deltars) {
            assert.deepEqual(peerLines(peers.deltars.rows[String(version)], `${table.name} v${version} (delta-rs)`), ours, `delta-rs reads ${table.name} v${version} as we do`);
          }
        }
      });
      for (const [from, to] of table.changes ?? []) {
        await t.test(`${table.name}: change feed ${from}..${to}`, async () => {
          const ours = await ourChanges(table.path, from, to);
          // A single version may change nothing (OPTIMIZE); a longer range here always has changes.
          if (to > from) assert.ok(ours.length > 0, 'the range has changes');
          assert.deepEqual(ours, peerLines(peers.spark.changes[`${from}-${to}`], `${table.name} changes ${from}..${to} (Spark)`), 'Spark table_changes');
          if (peers.deltars) {
            // delta-rs stamps changes with commitInfo.timestamp (as a zone-less timestamp), Spark and
            // we with the commit file's time: the same change rows, another clock.
            const theirs = peerLines(peers.deltars.changes[`${from}-${to}`], `${table.name} changes ${from}..${to} (delta-rs)`);
            assert.deepEqual(withoutCommitTimestamp(ours), withoutCommitTimestamp(theirs), 'delta-rs load_cdf');
          }
        });
      }
      for (const query of table.queries ?? []) {
        await t.test(`${table.name}: change feed, ${query.key}`, () => assertSameAnswer(table, query, peers.spark.queries?.[query.key]));
      }
      const expected = table.history;
      if (expected) {
        await t.test(`${table.name}: DESCRIBE HISTORY`, () => {
          const history = peers.spark.history;
          assert.ok(Array.isArray(history), `Spark DESCRIBE HISTORY failed: ${history && !Array.isArray(history) ? history.error : 'no result'}`);
          assert.deepEqual(history.map((e) => e.version), table.versions, 'one entry per version');
          for (const [version, commit] of expected) {
            const entry: PeerHistoryEntry | undefined = history.find((e) => e.version === version);
            assert.ok(entry, `history has v${version}`);
            assert.equal(entry.operation, commit.operation, `v${version} operation`);
            if (version > 0) assert.equal(entry.readVersion, version - 1, `v${version} readVersion`);
            for (const [key, value] of Object.entries(commit.parameters ?? {})) {
              assert.equal(entry.operationParameters[key], value, `v${version} ${commit.operation} parameter ${key}`);
            }
            for (const [key, value] of Object.entries(commit.metrics ?? {})) {
              assert.equal(entry.operationMetrics[key], value, `v${version} ${commit.operation} metric ${key}`);
            }
          }
        });
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
