import assert from 'node:assert/strict';
import { rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { tableChanges } from '../../../src/delta/changes/tableChanges';
import { writeCheckpoint } from '../../../src/delta/checkpoint/writeCheckpoint';
import { readCommitInfo } from '../../../src/delta/commitTimestamps';
import { isDeltaError } from '../../../src/delta/errors';
import { commitPath } from '../../../src/delta/logFiles';
import { parseSchemaString, schemaToString, type StructField } from '../../../src/delta/schema';
import { DeltaTable } from '../../../src/delta/table';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { writeTable } from '../../../src/delta/write/writeTable';
import { NdjsonFormatter } from '../../../src/format/ndjsonFormatter';
import { canonicalNdjson } from '../../helpers/canonicalNdjson';
import { batchesOf } from '../../unit/write/helpers';

/** One readChangeFeed call: versions, or timestamps in ms (sent to Spark as UTC text). */
export interface ChangeQuery {
  key: string;
  startingVersion?: number;
  endingVersion?: number;
  startingTimestamp?: number;
  endingTimestamp?: number;
  /**
   * Where we refuse a starting timestamp before the commits log cleanup left, Spark silently
   * starts at the earliest commit left: this version.
   */
  sparkStartsAt?: number;
}

/** A table with the change feed queries both engines answer on it; `versions`: its latest only. */
export interface ChangeQueryTable { name: string; path: string; versions: number[]; queries: ChangeQuery[] }

/** What Spark answered: canonical rows, or the error it raised. */
export type PeerAnswer = string[] | { error: string };

const CDF = { 'delta.enableChangeDataFeed': 'true' };

/** Spark's error class for each of our codes in these refusals. */
const SPARK_CLASSES: Record<string, string[]> = {
  DELTA_TIMESTAMP_OUT_OF_RANGE: ['DELTA_TIMESTAMP_GREATER_THAN_COMMIT', 'DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION'],
  DELTA_INVALID_ARGUMENT: ['DELTA_INVALID_CDC_RANGE'],
  DELTA_CDC_START_VERSION_AFTER_LATEST: ['DELTA_CDC_START_VERSION_AFTER_LATEST'],
  DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_SCHEMA_CHANGE: ['DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_SCHEMA_CHANGE'],
  DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_DATA_SCHEMA: ['DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_DATA_SCHEMA'],
};

const rows = (ids: number[]): ReturnType<typeof batchesOf> => batchesOf({ id: BigInt64Array.from(ids.map(BigInt)), n: Int32Array.from(ids) });

/** Spark parses zone-less text in the session time zone, UTC in our sessions. */
export function sparkTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

async function setCommitTimes(dir: string, versions: number, time: (version: number) => number): Promise<void> {
  for (let v = 0; v < versions; v++) await utimes(join(dir, commitPath(v)), time(v) / 1000, time(v) / 1000);
}

async function alterSchema(dir: string, change: (fields: StructField[]) => StructField[]): Promise<void> {
  const tx = await Transaction.start(await DeltaTable.open(dir));
  const schema = parseSchemaString(tx.metadata.schemaString);
  tx.updateMetadata({ ...tx.metadata, schemaString: schemaToString({ kind: 'struct', fields: change(schema.fields) }) });
  await tx.commit({ operation: 'CHANGE COLUMN', parameters: {} });
}

/**
 * Tables for the change feed's edges: timestamp bounds on file times (within the last hour: Spark
 * refuses timestamps older than the table's deleted-file retention) and on in-commit timestamps,
 * an added column, a rename and a drop under column mapping, a widened type.
 */
export async function changeQueryTables(root: string): Promise<ChangeQueryTable[]> {
  const times = join(root, 'cdf_times');
  await writeTable(times, rows([0]), { properties: CDF });
  for (const id of [1, 2]) await writeTable(times, rows([id]));
  await writeTable(times, batchesOf({ id: BigInt64Array.from([3n]), n: Int32Array.from([3]), note: ['added'] }), { mergeSchema: true });
  const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  await setCommitTimes(times, 4, (v) => base + 10_000 * v);
  const at = (seconds: number): number => base + seconds * 1000;

  const ict = join(root, 'cdf_ict');
  await writeTable(ict, rows([0]), { properties: { ...CDF, 'delta.enableInCommitTimestamps': 'true' } });
  for (const id of [1, 2, 3]) await writeTable(ict, rows([id]));
  // File times in reverse order: only the in-commit timestamps give the right versions.
  await setCommitTimes(ict, 4, (v) => base - 10_000 * v);
  const ictTime = async (v: number): Promise<number> => (await readCommitInfo((await DeltaTable.open(ict)).store, commitPath(v)))?.inCommitTimestamp ?? NaN;
  const [ict1, ict2] = [await ictTime(1), await ictTime(2)];

  const renamed = join(root, 'cdf_renamed');
  await writeTable(renamed, rows([1]), { properties: { ...CDF, 'delta.columnMapping.mode': 'name' } });
  await alterSchema(renamed, (fields) => fields.map((f) => (f.name === 'n' ? { ...f, name: 'm' } : f)));
  await writeTable(renamed, batchesOf({ id: BigInt64Array.from([2n]), m: Int32Array.from([20]) }));
  await alterSchema(renamed, (fields) => fields.filter((f) => f.name !== 'm'));
  await writeTable(renamed, batchesOf({ id: BigInt64Array.from([3n]) }));

  const widened = join(root, 'cdf_widened');
  await writeTable(widened, rows([1]), { properties: CDF });
  await alterSchema(widened, (fields) => fields.map((f) => (f.name === 'n' ? { ...f, type: { kind: 'primitive', name: 'long' } } : f)));
  await writeTable(widened, batchesOf({ id: BigInt64Array.from([2n]), n: BigInt64Array.from([2n]) }));

  // What log cleanup leaves after a checkpoint at 2: commits 2 and 3.
  const cleaned = join(root, 'cdf_cleaned');
  await writeTable(cleaned, rows([0]), { properties: CDF });
  for (const id of [1, 2, 3]) await writeTable(cleaned, rows([id]));
  await setCommitTimes(cleaned, 4, (v) => base + 10_000 * v);
  await writeCheckpoint((await DeltaTable.open(cleaned)).store, 2);
  for (const v of [0, 1]) await rm(join(cleaned, commitPath(v)));

  const tables: Array<Omit<ChangeQueryTable, 'versions'>> = [
    {
      name: 'cdf_times', path: times, queries: [
        { key: 'start before the first commit', startingTimestamp: at(-5) },
        { key: 'start between commits', startingTimestamp: at(15), endingVersion: 2 },
        { key: 'start at a commit, end between commits', startingTimestamp: at(10), endingTimestamp: at(25) },
        { key: 'both between the same two commits', startingTimestamp: at(22), endingTimestamp: at(25) },
        { key: 'start after the latest commit', startingTimestamp: at(45) },
        { key: 'end after the latest commit', startingVersion: 0, endingTimestamp: at(45) },
        { key: 'end before the first commit', startingVersion: 0, endingTimestamp: at(-5) },
        { key: 'start after end', startingTimestamp: at(25), endingTimestamp: at(5) },
        { key: 'end version past the latest', startingVersion: 1, endingVersion: 9 },
        { key: 'start version past the latest', startingVersion: 9 },
      ],
    },
    {
      name: 'cdf_cleaned', path: cleaned, queries: [
        { key: 'start before the commits log cleanup left', startingTimestamp: at(5), sparkStartsAt: 2 },
        { key: 'range before the commits log cleanup left', startingTimestamp: at(-5), endingTimestamp: at(5) },
        { key: 'start at the earliest commit left', startingTimestamp: at(20) },
      ],
    },
    { name: 'cdf_ict', path: ict, queries: [{ key: 'in-commit timestamps', startingTimestamp: ict1 + 1, endingTimestamp: ict2 }] },
    {
      name: 'cdf_renamed', path: renamed, queries: [
        { key: 'data before a rename', startingVersion: 0, endingVersion: 2 },
        { key: 'across a rename and a drop', startingVersion: 0 },
        { key: 'after the rename', startingVersion: 1, endingVersion: 2 },
        { key: 'after the drop', startingVersion: 3 },
      ],
    },
    {
      name: 'cdf_widened', path: widened, queries: [
        { key: 'across a widening', startingVersion: 0 },
        { key: 'after a widening', startingVersion: 1 },
      ],
    },
  ];
  // Only the latest version's rows are compared: the point of these tables is their change feed.
  return Promise.all(tables.map(async (table) => ({ ...table, versions: [await (await DeltaTable.open(table.path)).latestVersion()] })));
}

/** The query as peer_reads.py takes it: Spark's option names, timestamps as text. */
export function peerQuery(query: ChangeQuery): Record<string, string | number> {
  const { key, startingVersion, endingVersion, startingTimestamp, endingTimestamp } = query;
  return {
    key,
    ...(startingVersion !== undefined ? { startingVersion } : {}),
    ...(endingVersion !== undefined ? { endingVersion } : {}),
    ...(startingTimestamp !== undefined ? { startingTimestamp: sparkTimestamp(startingTimestamp) } : {}),
    ...(endingTimestamp !== undefined ? { endingTimestamp: sparkTimestamp(endingTimestamp) } : {}),
  };
}

/**
 * Our answer must be Spark's: the same rows, or a refusal with our code for Spark's error class
 * (and, for schema refusals, the same version named).
 */
export async function assertSameAnswer(table: { name: string; path: string }, query: ChangeQuery, spark: PeerAnswer | undefined): Promise<void> {
  assert.ok(spark !== undefined, `no Spark answer for ${table.name}: ${query.key}`);
  const ours = await ourAnswer(table.path, query);
  if (query.sparkStartsAt !== undefined) {
    assert.ok(Array.isArray(spark), `Spark refuses ${query.key}: ${Array.isArray(spark) ? '' : spark.error}`);
    const versions = new Set(spark.map((line) => (JSON.parse(line) as { _commit_version: number })._commit_version));
    assert.equal(Math.min(...versions), query.sparkStartsAt, `${query.key}: Spark's first version`);
    assert.ok(isDeltaError(ours, 'DELTA_TIMESTAMP_OUT_OF_RANGE'), `${query.key}: we answer ${Array.isArray(ours) ? `${ours.length} rows` : String(ours)}`);
    assert.match(ours.message, new RegExp(`earliest version still in the log, ${query.sparkStartsAt}\\b`));
    return;
  }
  if (Array.isArray(spark)) {
    assert.ok(Array.isArray(ours), `Spark reads ${query.key}, we refuse: ${Array.isArray(ours) ? '' : ours.message}`);
    assert.deepEqual(ours, canonicalNdjson(spark.join('\n')), `${table.name}: ${query.key}`);
    return;
  }
  assert.ok(isDeltaError(ours), `Spark refuses ${query.key} (${spark.error.slice(0, 300)}), we answer ${Array.isArray(ours) ? `${ours.length} rows` : String(ours)}`);
  const classes = SPARK_CLASSES[ours.code] ?? [];
  assert.ok(classes.some((c) => spark.error.includes(`[${c}]`)), `${query.key}: our ${ours.code} is not Spark's ${spark.error.slice(0, 300)}`);
  const sparkVersion = /incompatible (?:schema change|data schema) at version (\d+)/.exec(spark.error)?.[1];
  if (sparkVersion !== undefined) assert.match(ours.message, new RegExp(`at version ${sparkVersion}\\b|data of version ${sparkVersion}\\b`), `${query.key}: the version Spark names`);
}

async function ourAnswer(path: string, query: ChangeQuery): Promise<string[] | Error> {
  try {
    const changes = await tableChanges(await DeltaTable.open(path), {
      ...(query.startingVersion !== undefined ? { fromVersion: query.startingVersion } : {}),
      ...(query.endingVersion !== undefined ? { toVersion: query.endingVersion } : {}),
      ...(query.startingTimestamp !== undefined ? { startingTimestamp: query.startingTimestamp } : {}),
      ...(query.endingTimestamp !== undefined ? { endingTimestamp: query.endingTimestamp } : {}),
    });
    const formatter = new NdjsonFormatter(changes.schema);
    const lines: string[] = [];
    for await (const batch of changes.batches()) lines.push(...formatter.batch(batch));
    return canonicalNdjson(lines.join('\n'));
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
}
