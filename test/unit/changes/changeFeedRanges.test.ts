import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCheckpoint } from '../../../src/delta/checkpoint/writeCheckpoint';
import { readCommitInfo } from '../../../src/delta/commitTimestamps';
import { tableChanges, type TableChangesOptions } from '../../../src/delta/changes/tableChanges';
import { isDeltaError } from '../../../src/delta/errors';
import { commitPath } from '../../../src/delta/logFiles';
import { parseSchemaString, schemaToString, type StructField } from '../../../src/delta/schema';
import { DeltaTable } from '../../../src/delta/table';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { writeTable } from '../../../src/delta/write/writeTable';
import { batchesOf, withTempTable } from '../write/helpers';
import { toPlainRows } from '../write/plainRows';

const CDF = { 'delta.enableChangeDataFeed': 'true' };
const BASE = Date.UTC(2026, 0, 1);

const rows = (ids: number[]): ReturnType<typeof batchesOf> => batchesOf({ id: BigInt64Array.from(ids.map(BigInt)), n: Int32Array.from(ids) });

/** `version type id` of every change row (plus the named extra columns), sorted. */
async function changeLines(dir: string, options: TableChangesOptions, extra: string[] = []): Promise<string[]> {
  const changes = await tableChanges(await DeltaTable.open(dir), options);
  const lines: string[] = [];
  for await (const batch of changes.batches()) {
    for (const row of toPlainRows(batch)) lines.push([row._commit_version, row._change_type, row.id, ...extra.map((c) => String(row[c]))].join(' '));
  }
  return lines.sort();
}

async function refusal(dir: string, options: TableChangesOptions): Promise<Error> {
  const error = await tableChanges(await DeltaTable.open(dir), options).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof Error, 'refused');
  return error;
}

/** Commit file k gets the modification time BASE + 10 s * k (or `times[k]`). */
async function setCommitTimes(dir: string, count: number, time: (version: number) => number = (v) => BASE + 10_000 * v): Promise<void> {
  for (let v = 0; v < count; v++) {
    const seconds = time(v) / 1000;
    await utimes(join(dir, commitPath(v)), seconds, seconds);
  }
}

/** Commits a schema change made by `change` on the current fields (ALTER TABLE). */
async function alterSchema(dir: string, change: (fields: StructField[]) => StructField[]): Promise<void> {
  const tx = await Transaction.start(await DeltaTable.open(dir));
  const schema = parseSchemaString(tx.metadata.schemaString);
  tx.updateMetadata({ ...tx.metadata, schemaString: schemaToString({ kind: 'struct', fields: change(schema.fields) }) });
  await tx.commit({ operation: 'CHANGE COLUMN', parameters: {} });
}

test('timestamps resolve as Spark: start = first version at or after, end = last at or before, out of range refused', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([0]), { properties: CDF });
    for (const id of [1, 2, 3]) await writeTable(dir, rows([id]));
    await setCommitTimes(dir, 4);
    const versions = async (options: TableChangesOptions): Promise<string> => {
      const changes = await tableChanges(await DeltaTable.open(dir), options);
      return `${changes.fromVersion}..${changes.toVersion}`;
    };
    assert.equal(await versions({ startingTimestamp: BASE - 5000 }), '0..3', 'before the first commit: from the first');
    assert.equal(await versions({ startingTimestamp: BASE + 20_000 }), '2..3', 'exactly at a commit');
    assert.equal(await versions({ startingTimestamp: BASE + 15_000 }), '2..3', 'between commits: the next one');
    assert.equal(await versions({ startingTimestamp: BASE + 30_000 }), '3..3');
    assert.equal(await versions({ fromVersion: 0, endingTimestamp: BASE + 25_000 }), '0..2', 'end between commits: the one before');
    assert.equal(await versions({ fromVersion: 0, endingTimestamp: BASE + 30_000 }), '0..3');
    assert.equal(await versions({ startingTimestamp: BASE + 15_000, endingTimestamp: BASE + 28_000 }), '2..2');
    assert.deepEqual(await changeLines(dir, { startingTimestamp: BASE + 5000, endingTimestamp: BASE + 20_000 }), ['1 insert 1', '2 insert 2']);
    // Both ends between versions 2 and 3: no commit in between, so no changes (Spark returns none too).
    assert.deepEqual(await changeLines(dir, { startingTimestamp: BASE + 22_000, endingTimestamp: BASE + 25_000 }), []);

    const after = await refusal(dir, { startingTimestamp: BASE + 45_000 });
    assert.ok(isDeltaError(after, 'DELTA_TIMESTAMP_OUT_OF_RANGE'), String(after));
    assert.match(after.message, /2026-01-01T00:00:45\.000Z is after the table's latest version \(committed 2026-01-01T00:00:30\.000Z\)/);
    const endAfter = await refusal(dir, { fromVersion: 0, endingTimestamp: BASE + 45_000 });
    assert.ok(isDeltaError(endAfter, 'DELTA_TIMESTAMP_OUT_OF_RANGE'), String(endAfter));
    const endBefore = await refusal(dir, { fromVersion: 0, endingTimestamp: BASE - 1 });
    assert.ok(isDeltaError(endBefore, 'DELTA_TIMESTAMP_OUT_OF_RANGE'), String(endBefore));
    assert.match(endBefore.message, /before the earliest version available, 0 \(committed 2026-01-01T00:00:00\.000Z\)/);
    const reversed = await refusal(dir, { startingTimestamp: BASE + 25_000, endingTimestamp: BASE + 5000 });
    assert.ok(isDeltaError(reversed, 'DELTA_INVALID_ARGUMENT'), String(reversed));
    assert.match(reversed.message, /from version 3 to version 0 is invalid/);
    const both = await refusal(dir, { fromVersion: 1, startingTimestamp: BASE });
    assert.ok(isDeltaError(both, 'DELTA_INVALID_ARGUMENT'), String(both));
  });
});

test('after log cleanup, a starting timestamp before the earliest commit left is refused instead of reading part of the range', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([0]), { properties: CDF });
    for (const id of [1, 2, 3]) await writeTable(dir, rows([id]));
    await setCommitTimes(dir, 4);
    const table = await DeltaTable.open(dir);
    await writeCheckpoint(table.store, 2);
    // What log cleanup leaves: the checkpoint at 2 and the commits from 2 on.
    for (const v of [0, 1]) await rm(join(dir, commitPath(v)));
    const before = await refusal(dir, { startingTimestamp: BASE + 5000 });
    assert.ok(isDeltaError(before, 'DELTA_TIMESTAMP_OUT_OF_RANGE'), String(before));
    assert.match(before.message, /2026-01-01T00:00:05\.000Z is before the earliest version still in the log, 2 \(committed 2026-01-01T00:00:20\.000Z\): log cleanup removed/);
    assert.match(before.message, /or start at version 2\.$/);
    const endBefore = await refusal(dir, { startingTimestamp: BASE - 1, endingTimestamp: BASE + 5000 });
    assert.ok(isDeltaError(endBefore, 'DELTA_TIMESTAMP_OUT_OF_RANGE'), String(endBefore));
    // From the earliest commit left on, the feed is whole: those reads still work.
    assert.deepEqual(await changeLines(dir, { startingTimestamp: BASE + 20_000 }), ['2 insert 2', '3 insert 3']);
    assert.deepEqual(await changeLines(dir, { fromVersion: 2, endingTimestamp: BASE + 25_000 }), ['2 insert 2']);
    const version = await refusal(dir, { fromVersion: 1 });
    assert.ok(isDeltaError(version, 'DELTA_VERSION_NOT_FOUND'), String(version));
  });
});

test('with in-commit timestamps, commit times come from commitInfo, not from file times', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([0]), { properties: { ...CDF, 'delta.enableInCommitTimestamps': 'true' } });
    for (const id of [1, 2, 3]) await writeTable(dir, rows([id]));
    // File times in reverse order: only the in-commit timestamps give the right versions.
    await setCommitTimes(dir, 4, (v) => BASE - 10_000 * v);
    const table = await DeltaTable.open(dir);
    const ict: number[] = [];
    for (let v = 0; v < 4; v++) {
      const info = await readCommitInfo(table.store, commitPath(v));
      ict.push(info?.inCommitTimestamp ?? NaN);
    }
    const [t1, t2] = [ict[1] as number, ict[2] as number];
    const changes = await tableChanges(table, { startingTimestamp: t1 + 1, endingTimestamp: t2 });
    assert.deepEqual([changes.fromVersion, changes.toVersion], [2, 2]);
    const found = [];
    for await (const batch of changes.batches()) found.push(...toPlainRows(batch));
    const [row] = found;
    assert.equal(row?._commit_timestamp, BigInt(t2) * 1000n, '_commit_timestamp is the in-commit timestamp');
  });
});

test('an added column reads as NULL before it existed; without column mapping changes are read in the latest schema, as Spark', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([1]), { properties: CDF });
    await writeTable(dir, batchesOf({ id: BigInt64Array.from([2n]), n: Int32Array.from([2]), note: ['two'] }), { mergeSchema: true });
    await writeTable(dir, rows([3]));
    assert.deepEqual(await changeLines(dir, { fromVersion: 0 }, ['note']), ['0 insert 1 null', '1 insert 2 two', '2 insert 3 null']);
    assert.deepEqual(await changeLines(dir, { fromVersion: 0, toVersion: 0 }, ['note']), ['0 insert 1 null'], 'the latest schema, even for a range before the column');
  });
});

test('column mapping: a rename or a drop in the range is refused naming the version; each side of it reads alone in its end schema', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([1]), { properties: { ...CDF, 'delta.columnMapping.mode': 'name' } });
    await alterSchema(dir, (fields) => fields.map((f) => (f.name === 'n' ? { ...f, name: 'm' } : f)));
    await writeTable(dir, batchesOf({ id: BigInt64Array.from([2n]), m: Int32Array.from([20]) }));
    await alterSchema(dir, (fields) => fields.filter((f) => f.name !== 'm'));
    await writeTable(dir, batchesOf({ id: BigInt64Array.from([3n]) }));

    // A range read in version 2's schema: the rename's own metadata fits it, version 0's data does not.
    const renamed = await refusal(dir, { fromVersion: 0, toVersion: 2 });
    assert.ok(isDeltaError(renamed, 'DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_DATA_SCHEMA'), String(renamed));
    assert.match(renamed.message, /versions 0 to 2 in the schema of version 2: the data of version 0 has an incompatible schema \(column n is gone: dropped or renamed\); the schema changed at version 1: read versions 0 to 0 and 1 to 2 separately/);
    // Read in version 4's schema, the metadata of version 1 (with m) is already incompatible.
    const across = await refusal(dir, { fromVersion: 0 });
    assert.ok(isDeltaError(across, 'DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_SCHEMA_CHANGE'), String(across));
    assert.match(across.message, /versions 0 to 4 in the schema of version 4: the schema change at version 1 is not only added columns \(column m is gone: dropped or renamed\); read versions 0 to 0 and 1 to 4 separately/);
    assert.deepEqual(await changeLines(dir, { fromVersion: 0, toVersion: 0 }, ['n']), ['0 insert 1 1']);
    assert.deepEqual(await changeLines(dir, { fromVersion: 1, toVersion: 2 }, ['m']), ['2 insert 2 20'], 'the rename itself changes no row');

    const dropped = await refusal(dir, { fromVersion: 2 });
    assert.ok(isDeltaError(dropped, 'DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_DATA_SCHEMA'), String(dropped));
    assert.match(dropped.message, /the data of version 2 has an incompatible schema \(column m is gone: dropped or renamed\); the schema changed at version 3: read versions 2 to 2 and 3 to 4 separately/);
    assert.deepEqual(await changeLines(dir, { fromVersion: 3 }), ['4 insert 3']);
  });
});

test('a type change in the range is refused, a widening too (Spark reads no change feed across one)', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([1]), { properties: CDF });
    await alterSchema(dir, (fields) => fields.map((f) => (f.name === 'n' ? { ...f, type: { kind: 'primitive', name: 'long' } } : f)));
    await writeTable(dir, batchesOf({ id: BigInt64Array.from([2n]), n: BigInt64Array.from([2n]) }));
    const widened = await refusal(dir, { fromVersion: 0, toVersion: 2 });
    assert.ok(isDeltaError(widened, 'DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_DATA_SCHEMA'), String(widened));
    assert.match(widened.message, /column n changed type from integer to long/);
    assert.deepEqual(await changeLines(dir, { fromVersion: 1 }, ['n']), ['2 insert 2 2']);
  });
});
