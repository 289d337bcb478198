import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchemaString, type StructType } from '../../../src/delta/schema';
import { parsePredicate } from '../../../src/delta/predicate/parsePredicate';
import { formatValue } from '../../../src/delta/predicate/formatPredicate';
import { formatDecimal } from '../../../src/delta/predicate/decimal';
import { formatTimestamp } from '../../../src/delta/predicate/temporal';
import { evaluateOnRow } from '../../../src/delta/predicate/evaluateScalar';
import { compareValues, isDecimalValue, type NonNullValue, type TypedValue } from '../../../src/delta/predicate/typedValue';
import { formatDate } from '../../../src/delta/predicate/temporal';
import { parseFileStats } from '../../../src/delta/stats/fileStats';
import { canSkipFile } from '../../../src/delta/stats/skipping';

const field = (name: string, type: unknown) => ({ name, type, nullable: true, metadata: {} });
const schema: StructType = parseSchemaString(JSON.stringify({
  type: 'struct',
  fields: [
    field('i', 'integer'), field('l', 'long'), field('d', 'double'), field('s', 'string'), field('day', 'date'),
    field('ts', 'timestamp'), field('dec', 'decimal(6,2)'), field('p', 'integer'),
    field('st', { type: 'struct', fields: [field('x', 'integer')] }),
  ],
}));
const DATA_COLUMNS = ['i', 'l', 'd', 's', 'day', 'ts', 'dec'] as const;
type Row = Record<string, TypedValue>;

const LONG_A = 'x'.repeat(40);
const LONG_B = `${'x'.repeat(32)}y`;
const LONG_C = `${'x'.repeat(31)}😀z`;
const TS0 = 1706695200000000n;
const POOLS: Record<(typeof DATA_COLUMNS)[number] | 'p', TypedValue[]> = {
  i: [-3, -1, 0, 1, 2, 3],
  l: [-9223372036854775808n, -2n, 0n, 1n, 2n, 9223372036854775807n],
  d: [-Infinity, -1.5, -0, 0, 2.5, Infinity, NaN],
  s: ['', 'a', 'ab', 'b', LONG_A, LONG_B, LONG_C, '\uFFFD', '😀', 'x'.repeat(32), 'x'.repeat(33)],
  day: [-1, 0, 1, 19753, 19754],
  ts: [TS0 - 1n, TS0, TS0 + 1n, TS0 + 999n, TS0 + 1000n, TS0 + 1500n, TS0 + 2999n],
  dec: [-500, -1, 0, 1, 150, 99999].map((u) => ({ unscaled: BigInt(u), scale: 2 })),
  p: [0, 1, 2],
};

/** Statistics the way Spark writes them: ms-truncated timestamps, 32-character string prefixes. */
function statsJson(rows: Row[], rng: () => number): string | undefined {
  if (rng() < 0.05) return undefined;
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, unknown> = {};
  // Spark's order for bounds: NaN above every number, so a file with a NaN has max NaN.
  for (const column of DATA_COLUMNS) {
    if (rng() < 0.1) continue;
    const values = rows.map((r) => r[column] ?? null).filter((v): v is NonNullValue => v !== null);
    nullCount[column] = rows.filter((r) => (r[column] ?? null) === null).length;
    if (values.length === 0) continue;
    const sorted = [...values].sort(compareValues);
    minValues[column] = statText(sorted[0]!, column);
    maxValues[column] = statText(sorted.at(-1)!, column);
  }
  const json = JSON.stringify({ numRecords: rows.length, minValues, maxValues, nullCount }, (_k, v: unknown) =>
    typeof v === 'object' && v !== null && 'raw' in v ? `@@${String(v.raw)}@@` : v);
  // Numbers that JSON.stringify cannot write exactly are spliced in as raw text.
  return json.replace(/"@@(.*?)@@"/g, '$1');
}

function statText(value: NonNullValue, column: string): unknown {
  if (typeof value === 'bigint') return column === 'ts' ? isoMillis(value) : { raw: value.toString() };
  if (isDecimalValue(value)) return { raw: formatDecimal(value) };
  if (column === 'day' && typeof value === 'number') return formatDate(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return Array.from(value).slice(0, 32).join('');
  return value;
}

function isoMillis(micros: bigint): string {
  const millis = micros - (((micros % 1000n) + 1000n) % 1000n);
  const text = formatTimestamp(millis).replace(' ', 'T');
  return `${text.includes('.') ? text.slice(0, 23) : `${text}.000`}Z`;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPredicateText(rng: () => number, depth: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  if (depth > 0 && rng() < 0.45) {
    const kind = pick(['AND', 'OR', 'NOT']);
    if (kind === 'NOT') return `NOT (${randomPredicateText(rng, depth - 1)})`;
    return `(${randomPredicateText(rng, depth - 1)}) ${kind} (${randomPredicateText(rng, depth - 1)})`;
  }
  const column = pick<keyof typeof POOLS>([...DATA_COLUMNS, 'p']);
  const type = schema.fields.find((f) => f.name === column)!.type;
  const literal = (): string => formatValue(rng() < 0.04 ? null : pick(POOLS[column]), type);
  switch (pick(['cmp', 'cmp', 'cmp', 'in', 'null', 'between'])) {
    case 'in': return `${column} ${rng() < 0.5 ? 'NOT ' : ''}IN (${literal()}, ${literal()})`;
    case 'null': return `${column} IS ${rng() < 0.5 ? 'NOT ' : ''}NULL`;
    case 'between': return `${column} BETWEEN ${literal()} AND ${literal()}`;
    default: return `${column} ${pick(['=', '!=', '<', '<=', '>', '>='])} ${literal()}`;
  }
}

describe('canSkipFile never skips a file with a matching row', () => {
  test('random files with Spark-style stats and random predicates', () => {
    const rng = mulberry32(20240131);
    let skipped = 0;
    let checked = 0;
    for (let f = 0; f < 3000; f++) {
      const partition = rng() < 0.15 ? null : POOLS.p[Math.floor(rng() * 3)]!;
      const rows: Row[] = Array.from({ length: 1 + Math.floor(rng() * 5) }, () => {
        const row: Row = { p: partition };
        for (const column of DATA_COLUMNS) {
          const pool = POOLS[column];
          row[column] = rng() < 0.2 ? null : pool[Math.floor(rng() * pool.length)]!;
        }
        return row;
      });
      const stats = parseFileStats(statsJson(rows, rng), schema, 'none');
      for (let k = 0; k < 8; k++) {
        const text = randomPredicateText(rng, 2);
        const predicate = parsePredicate(text, schema);
        checked++;
        if (!canSkipFile(predicate, { stats, partitionValues: { p: partition } }, schema)) continue;
        skipped++;
        for (const row of rows) {
          const truth = evaluateOnRow(predicate, (path) => row[path[0]!] ?? null);
          assert.notEqual(truth, true, `skipped although a row matches: ${text}\nrow: ${String(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))}`);
        }
      }
    }
    // The check must have bite: a good share of the files is skipped.
    assert.ok(skipped > checked / 5, `only ${skipped} of ${checked} skipped`);
  });
});

describe('canSkipFile truth tables', () => {
  const STATS = '{"numRecords":4,"minValues":{"i":10,"s":"b","ts":"2024-01-31T10:00:00.123Z","d":1.5,"st":{"x":5}},"maxValues":{"i":20,"s":"d","ts":"2024-01-31T10:00:00.456Z","d":2.5,"st":{"x":6}},"nullCount":{"i":1,"s":0,"ts":0,"d":0,"st":{"x":4}}}';
  const stats = parseFileStats(STATS, schema, 'none');
  const skip = (text: string, partitionValues: Record<string, TypedValue> = { p: 1 }): boolean =>
    canSkipFile(parsePredicate(text, schema), { stats, partitionValues }, schema);
  const cases: Array<[string, boolean]> = [
    ['i = 5', true], ['i = 10', false], ['i = 15', false], ['i = 20', false], ['i = 21', true],
    ['i < 10', true], ['i <= 10', false], ['i > 20', true], ['i >= 20', false], ['i != 15', false],
    ['NOT i < 25', true], ['NOT i >= 10', true], ['NOT (i > 5 AND i < 30)', true], ['NOT (i < 5 OR i > 30)', false],
    ['i IN (1, 2, 30)', true], ['i IN (1, 15)', false], ['i NOT IN (15)', false], ['i = NULL', true], ['i IN (NULL)', true],
    ['i IS NULL', false], ['i IS NOT NULL', false], ['s IS NULL', true], ['NOT s IS NOT NULL', true],
    ['st.x IS NOT NULL', true], ['st.x = 5', true], ['st.x IS NULL', false], ['st IS NULL', false],
    ['i BETWEEN 21 AND 30', true], ['i BETWEEN 20 AND 30', false], ['i = 5 OR s = \'c\'', false], ['i = 5 AND s = \'c\'', true],
    ["s > 'd'", true], ["s >= 'd'", false], ["s < 'b'", true], ["s = 'ca'", false],
    // Timestamp max 10:00:00.456 may hide up to .456999.
    ["ts > TIMESTAMP '2024-01-31 10:00:00.456999Z'", true], ["ts > TIMESTAMP '2024-01-31 10:00:00.4565Z'", false],
    ["ts < TIMESTAMP '2024-01-31 10:00:00.123Z'", true], ["ts = TIMESTAMP '2024-01-31 10:00:00.1235Z'", false],
    // A finite double max proves there is no NaN (Spark's stats order NaN above every number).
    ['d < 1.5', true], ['d = 3', true], ['d > 3', true], ['d >= 2.5', false], ["d = 'NaN'", true], ['d != 2', false],
    // Partition columns are exact; no stats needed.
    ['p = 1', false], ['p = 2', true], ['p != 1', true], ['p IS NULL', true], ['NOT p IN (1)', true], ['p > 0 AND i = 15', false],
    // Columns without stats never allow skipping.
    ['l = 5', false], ['dec > 1', false], ['day IS NULL', false],
  ];
  for (const [text, expected] of cases) test(`${text} -> ${expected ? 'skip' : 'keep'}`, () => assert.equal(skip(text), expected));

  test('a NaN max (Spark writes "NaN") keeps the file for > and = NaN; a NaN min means every value is NaN', () => {
    const withNaN = parseFileStats('{"numRecords":3,"minValues":{"d":1.5},"maxValues":{"d":"NaN"},"nullCount":{"d":0}}', schema, 'none');
    const allNaN = parseFileStats('{"numRecords":2,"minValues":{"d":"NaN"},"maxValues":{"d":"NaN"},"nullCount":{"d":0}}', schema, 'none');
    const skipWith = (text: string, stats: typeof withNaN): boolean => canSkipFile(parsePredicate(text, schema), { stats, partitionValues: { p: 1 } }, schema);
    assert.deepEqual(['d > 1e300', 'd >= 3', "d = 'NaN'", 'd < 1.5', 'd = 1'].map((p) => skipWith(p, withNaN)), [false, false, false, true, true]);
    assert.deepEqual(['d > 1e300', "d = 'NaN'", 'd < 1e300', 'd = 1', 'd != 1'].map((p) => skipWith(p, allNaN)), [false, false, true, true, false]);
  });

  test('NULL partition values', () => {
    assert.equal(skip('p IS NULL', { p: null }), false);
    assert.equal(skip('p = 1', { p: null }), true);
    assert.equal(skip('NOT p = 1', { p: null }), true);
  });
  test('no stats at all: only partition pruning', () => {
    const file = { partitionValues: { p: 1 } };
    assert.equal(canSkipFile(parsePredicate('i = 5', schema), file, schema), false);
    assert.equal(canSkipFile(parsePredicate('i = 5 AND p = 3', schema), file, schema), true);
  });
  test('an empty file is skipped; all-null columns fail comparisons', () => {
    const empty = parseFileStats('{"numRecords":0,"minValues":{},"maxValues":{},"nullCount":{}}', schema, 'none');
    assert.equal(canSkipFile(parsePredicate('i IS NULL', schema), { stats: empty, partitionValues: {} }, schema), true);
    const allNull = parseFileStats('{"numRecords":2,"minValues":{},"maxValues":{},"nullCount":{"i":2}}', schema, 'none');
    assert.equal(canSkipFile(parsePredicate('i != 3', schema), { stats: allNull, partitionValues: {} }, schema), true);
    assert.equal(canSkipFile(parsePredicate('NOT i = 3', schema), { stats: allNull, partitionValues: {} }, schema), true);
    assert.equal(canSkipFile(parsePredicate('i IS NULL', schema), { stats: allNull, partitionValues: {} }, schema), false);
  });
  test('a string max of 32 characters may be a truncated prefix', () => {
    const prefix = 'x'.repeat(32);
    const truncated = parseFileStats(`{"numRecords":1,"minValues":{"s":"${prefix}"},"maxValues":{"s":"${prefix}"},"nullCount":{"s":0}}`, schema, 'none');
    const file = { stats: truncated, partitionValues: {} };
    assert.equal(canSkipFile(parsePredicate(`s = '${prefix}zzz'`, schema), file, schema), false);
    assert.equal(canSkipFile(parsePredicate(`s > '${prefix}'`, schema), file, schema), false);
    assert.equal(canSkipFile(parsePredicate(`s >= '${'x'.repeat(31)}y'`, schema), file, schema), true);
    assert.equal(canSkipFile(parsePredicate(`s != '${prefix}'`, schema), file, schema), false);
  });
  test('a predicate whose column changed type does not skip', () => {
    const other = parseSchemaString(JSON.stringify({ type: 'struct', fields: [field('i', 'long')] }));
    assert.equal(canSkipFile(parsePredicate('i = 5', schema), { stats, partitionValues: {} }, other), false);
  });
});
