import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Dictionary, Field, Int32, RecordBatch, Schema, Struct, TimestampNanosecond, Utf8, makeData, vectorFromArray,
  type Data, type DataType as ArrowType,
} from 'apache-arrow';
import { parseSchemaString, type DataType, type StructType } from '../../../src/delta/schema';
import { toArrowType } from '../../../src/delta/arrowSchema';
import { parsePredicate } from '../../../src/delta/predicate/parsePredicate';
import { formatValue } from '../../../src/delta/predicate/formatPredicate';
import { evaluatePredicate } from '../../../src/delta/predicate/evaluatePredicate';
import { evaluateOnRow } from '../../../src/delta/predicate/evaluateScalar';
import { isDecimalValue, type TypedValue } from '../../../src/delta/predicate/typedValue';
import { isDeltaError } from '../../../src/delta/errors';

const field = (name: string, type: unknown) => ({ name, type, nullable: true, metadata: {} });
const schema: StructType = parseSchemaString(JSON.stringify({
  type: 'struct',
  fields: [
    field('i', 'integer'), field('sh', 'short'), field('by', 'byte'), field('l', 'long'), field('f', 'float'),
    field('d', 'double'), field('s', 'string'), field('flag', 'boolean'), field('bin', 'binary'), field('day', 'date'),
    field('ts', 'timestamp'), field('ntz', 'timestamp_ntz'), field('dec', 'decimal(20,3)'),
    field('st', { type: 'struct', fields: [field('x', 'long'), field('inner', { type: 'struct', fields: [field('y', 'string')] })] }),
  ],
}));
interface Row { [column: string]: TypedValue | Row }

function validity(values: readonly unknown[]): Uint8Array {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => { if (v !== null) bits[i >> 3]! |= 1 << (i & 7); });
  return bits;
}

/** Arrow data for Delta `type` holding `values`, with the Arrow type arrowSchema.ts maps it to. */
function columnData(type: DataType, values: readonly unknown[]): Data {
  const arrowType: ArrowType = toArrowType(type);
  const length = values.length;
  const nullBitmap = validity(values);
  const nullCount = values.filter((v) => v === null).length;
  const each = <T>(f: (v: unknown) => T, zero: T): T[] => values.map((v) => (v === null ? zero : f(v)));
  if (type.kind === 'struct') {
    const children = type.fields.map((f) => columnData(f.type, values.map((v) => (v === null ? null : (v as Row)[f.name] ?? null))));
    return makeData({ type: arrowType as Struct, length, nullCount, nullBitmap, children });
  }
  if (type.kind === 'decimal') {
    const words = new Uint32Array(4 * length);
    values.forEach((v, i) => {
      if (!isDecimalValue(v)) return;
      const unscaled = BigInt.asUintN(128, v.unscaled * 10n ** BigInt(type.scale - v.scale));
      for (let w = 0; w < 4; w++) words[4 * i + w] = Number((unscaled >> BigInt(32 * w)) & 0xffffffffn);
    });
    return makeData({ type: arrowType, length, nullCount, nullBitmap, data: words } as never);
  }
  if (type.kind !== 'primitive') throw new Error('unsupported in test');
  const typed = (data: ArrayLike<unknown>) => makeData({ type: arrowType, length, nullCount, nullBitmap, data } as never);
  switch (type.name) {
    case 'integer': case 'date': return typed(Int32Array.from(each((v) => v as number, 0)));
    case 'short': return typed(Int16Array.from(each((v) => v as number, 0)));
    case 'byte': return typed(Int8Array.from(each((v) => v as number, 0)));
    case 'float': return typed(Float32Array.from(each((v) => v as number, 0)));
    case 'double': return typed(Float64Array.from(each((v) => v as number, 0)));
    case 'long': case 'timestamp': case 'timestamp_ntz': return typed(BigInt64Array.from(each((v) => v as bigint, 0n)));
    default: return vectorFromArray(values, arrowType).data[0]!;
  }
}

function batchOf(rows: Row[], of: StructType = schema): RecordBatch {
  const children = of.fields.map((f) => columnData(f.type, rows.map((r) => r[f.name] ?? null)));
  const arrowSchema = new Schema(of.fields.map((f) => new Field(f.name, toArrowType(f.type), true)));
  return new RecordBatch(arrowSchema, makeData({ type: new Struct(arrowSchema.fields), length: rows.length, nullCount: 0, children }));
}

const dec = (unscaled: bigint, scale = 3) => ({ unscaled, scale });
const bytes = (...b: number[]) => new Uint8Array(b);
const T0 = 1706695200123456n;
const ROWS: Row[] = [
  { i: 1, sh: 1, by: 1, l: 9223372036854775807n, f: 0.5, d: NaN, s: 'apple', flag: true, bin: bytes(1, 2), day: 19753, ts: T0, ntz: T0, dec: dec(12345678901234567890n), st: { x: 1n, inner: { y: 'a' } } },
  { i: 2, sh: -1, by: -128, l: -1n, f: -0.25, d: 1.5, s: 'Äpfel', flag: false, bin: bytes(), day: -1, ts: T0 + 1n, ntz: -1n, dec: dec(-1n), st: { x: null, inner: null } },
  { i: null, sh: null, by: null, l: null, f: null, d: null, s: null, flag: null, bin: null, day: null, ts: null, ntz: null, dec: null, st: null },
  { i: 3, sh: 300, by: 127, l: 0n, f: 3, d: -Infinity, s: '😀', flag: true, bin: bytes(255), day: 0, ts: T0 - 1000n, ntz: 0n, dec: dec(1500n), st: { x: 5n, inner: { y: null } } },
  { i: 4, sh: 0, by: 0, l: 5n, f: NaN, d: -0, s: '\uFFFD', flag: false, bin: bytes(1), day: 19754, ts: T0, ntz: T0 + 1n, dec: dec(15n, 2), st: { x: 5n, inner: { y: 'b' } } },
];
const batch = batchOf(ROWS);
const matches = (text: string, b: RecordBatch = batch): number[] =>
  [...evaluatePredicate(parsePredicate(text, schema), b, schema)].flatMap((m, i) => (m === 1 ? [i] : []));

describe('evaluatePredicate on Arrow batches', () => {
  const cases: Array<[string, number[]]> = [
    ['i = 2', [1]], ['i != 2', [0, 3, 4]], ['i >= 3', [3, 4]], ['NOT i >= 3', [0, 1]], ['i IS NULL', [2]],
    ['sh < 0', [1]], ['by IN (-128, 127)', [1, 3]], ['by NOT IN (-128, NULL)', []], ['by IN (1, NULL)', [0]],
    ['l = 9223372036854775807', [0]], ['l < 0', [1]], ['l BETWEEN 0 AND 5', [3, 4]],
    ['f > 1', [3, 4]], ["f = 'NaN'", [4]], ['f < 0', [1]], ['f = 0.5', [0]],
    ["d = 'NaN'", [0]], ['d > 1', [0, 1]], ['d = 0', [4]], ['d < -1e308', [3]],
    ["s = 'apple'", [0]], ["s > 'b'", [1, 3, 4]], ["s < '\uFFFD'", [0, 1]], ["s >= '😀'", [3]], ["s IN ('Äpfel', 'x')", [1]],
    ['flag', [0, 3]], ['NOT flag', [1, 4]], ['flag = FALSE OR i = 1', [0, 1, 4]],
    ["bin = X'0102'", [0]], ["bin < X'01'", [1]], ["bin > X'01'", [0, 3]], ["bin = ''", [1]],
    ["day = DATE '2024-01-31'", [0]], ["day < '1970-01-01'", [1]], ["day >= '1970-01-01'", [0, 3, 4]],
    ["ts = TIMESTAMP '2024-01-31 10:00:00.123456Z'", [0, 4]], ["ts > '2024-01-31T10:00:00.123456Z'", [1]],
    ["ts < TIMESTAMP '2024-01-31 12:00:00.123456+02:00'", [3]],
    ["ntz < TIMESTAMP_NTZ '1970-01-01 00:00:00'", [1]], ["ntz = '1970-01-01'", [3]],
    ['dec = 12345678901234567.890', [0]], ['dec < 0', [1]], ['dec = 1.5', [3]], ['dec = 0.15', [4]], ['dec > 0.1495', [0, 3, 4]],
    ['st.x = 5', [3, 4]], ['st.x IS NULL', [1, 2]], ['st IS NULL', [2]], ['st.inner.y IS NULL', [1, 2, 3]],
    ["st.inner.y = 'a' OR st.inner.y = 'b'", [0, 4]], ["NOT st.inner.y = 'a'", [4]],
    ['i = NULL', []], ['NOT i = NULL', []], ['i = 1 OR i IS NULL', [0, 2]], ['(i > 1 OR s IS NULL) AND NOT flag', [1, 4]],
  ];
  for (const [text, expected] of cases) test(text, () => assert.deepEqual(matches(text), expected));

  test('a sliced batch keeps row alignment (bit offsets of validity and booleans)', () => {
    const sliced = batch.slice(1, 5);
    assert.deepEqual(matches('flag', sliced), [2]);
    assert.deepEqual(matches('i IS NULL', sliced), [1]);
    assert.deepEqual(matches("s > 'b'", sliced), [0, 2, 3]);
    assert.deepEqual(matches('st.x = 5', sliced), [2, 3]);
  });

  test('integers and dates under every operator, sliced too: the rows evaluateOnRow selects', () => {
    const ints = [-2147483648, -981, -980, -979, 0, null, 7, 2147483647, 19753];
    const rows = batchOf(ints.map((v) => ({ i: v, day: v })));
    for (const column of ['i', 'day']) {
      for (const op of ['=', '!=', '<', '<=', '>', '>=']) {
        for (const literal of ['-980', '0', '2147483647', '-2147483648', '19753']) {
          if (column === 'day' && Math.abs(Number(literal)) > 2_000_000) continue;
          const text = column === 'day' ? `${column} ${op} DATE '${new Date(Number(literal) * 86_400_000).toISOString().slice(0, 10)}'` : `${column} ${op} ${literal}`;
          const predicate = parsePredicate(text, schema);
          const expected = ints.flatMap((v, k) => (evaluateOnRow(predicate, () => v) === true ? [k] : []));
          assert.deepEqual(matches(text, rows), expected, text);
          assert.deepEqual(matches(text, rows.slice(3, 9)), expected.filter((k) => k >= 3).map((k) => k - 3), `${text}, sliced`);
        }
      }
    }
  });

  test('longs compare exactly across the 32-bit word boundary, sliced too', () => {
    const values = [4294967296n, 4294967295n, -4294967296n, -4294967297n, -9223372036854775808n, 1n, -1n];
    const longs = batchOf(values.map((l) => ({ l })));
    const rows = (text: string, b: RecordBatch = longs): number[] =>
      [...evaluatePredicate(parsePredicate(text, schema), b, schema)].flatMap((m, i) => (m === 1 ? [i] : []));
    const expected = (keep: (v: bigint) => boolean, from = 0): number[] => values.slice(from).flatMap((v, i) => (keep(v) ? [i] : []));
    assert.deepEqual(rows('l >= 4294967296'), expected((v) => v >= 4294967296n));
    assert.deepEqual(rows('l < 4294967296'), expected((v) => v < 4294967296n));
    assert.deepEqual(rows('l = -4294967296'), [2]);
    assert.deepEqual(rows('l > -4294967297'), expected((v) => v > -4294967297n));
    assert.deepEqual(rows('l <= -9223372036854775808'), [4]);
    assert.deepEqual(rows('l IN (1, -1, 4294967295)'), [1, 5, 6]);
    assert.deepEqual(rows('l > -2', longs.slice(2, 7)), expected((v) => v > -2n, 2));
  });

  test('dictionary-encoded strings and nanosecond timestamps (as Parquet readers may give them)', () => {
    const one: StructType = parseSchemaString(JSON.stringify({ type: 'struct', fields: [field('s', 'string'), field('ts', 'timestamp')] }));
    const dictionary = vectorFromArray(['x', 'y', 'z'], new Utf8());
    const keysType = new Int32();
    const s = makeData({
      type: new Dictionary(new Utf8(), keysType), length: 4, nullCount: 1, nullBitmap: validity([0, 0, null, 0]),
      data: new Int32Array([2, 0, 0, 1]), dictionary,
    });
    const ts = makeData({ type: new TimestampNanosecond('UTC'), length: 4, nullCount: 0, data: new BigInt64Array([1999n, 2000n, 2001n, -1000n]) });
    const arrowSchema = new Schema([new Field('s', s.type, true), new Field('ts', ts.type, true)]);
    const b = new RecordBatch(arrowSchema, makeData({ type: new Struct(arrowSchema.fields), length: 4, nullCount: 0, children: [s, ts] }));
    const rows = (text: string): number[] =>
      [...evaluatePredicate(parsePredicate(text, one), b, one)].flatMap((m, i) => (m === 1 ? [i] : []));
    assert.deepEqual(rows("s >= 'y'"), [0, 3]);
    assert.deepEqual(rows("s NOT IN ('x')"), [0, 3]);
    assert.deepEqual(rows('s IS NULL'), [2]);
    assert.deepEqual(rows("ts = '1970-01-01 00:00:00.000002Z'"), [1]);
    assert.deepEqual(rows("ts < '1970-01-01 00:00:00.000002Z'"), [0, 3]);
  });

  test('errors: column missing from the batch, predicate for another schema', () => {
    const narrow = batchOf([{ i: 1 }], { kind: 'struct', fields: [schema.fields[0]!] });
    assert.throws(() => evaluatePredicate(parsePredicate('l = 1', schema), narrow, schema),
      (e: unknown) => isDeltaError(e, 'DELTA_INVALID_PREDICATE') && /add it to the projection/.test(e.message));
    const changed: StructType = { kind: 'struct', fields: [field('i', { kind: 'primitive', name: 'long' }) as never] };
    assert.throws(() => evaluatePredicate(parsePredicate('i = 1', schema), batch, changed),
      (e: unknown) => isDeltaError(e, 'DELTA_INVALID_PREDICATE'));
  });
});

describe('evaluatePredicate agrees with row-at-a-time evaluation', () => {
  test('random predicates over the sample rows', () => {
    let seed = 7;
    const rng = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
    const leaves: Array<[string[], DataType]> = [
      [['i'], { kind: 'primitive', name: 'integer' }], [['l'], { kind: 'primitive', name: 'long' }],
      [['d'], { kind: 'primitive', name: 'double' }], [['f'], { kind: 'primitive', name: 'float' }],
      [['s'], { kind: 'primitive', name: 'string' }], [['ts'], { kind: 'primitive', name: 'timestamp' }],
      [['dec'], { kind: 'decimal', precision: 20, scale: 3 }], [['st', 'x'], { kind: 'primitive', name: 'long' }],
    ];
    const valueAt = (row: Row, path: readonly string[]): TypedValue => {
      let v: TypedValue | Row = row;
      for (const name of path) {
        if (v === null || typeof v !== 'object' || v instanceof Uint8Array || isDecimalValue(v)) return null;
        v = (v as Row)[name] ?? null;
      }
      return v as TypedValue;
    };
    const atom = (): string => {
      const [path, type] = pick(leaves);
      const pool = ROWS.map((r) => valueAt(r, path));
      const literal = () => formatValue(pick(pool), type);
      const column = path.join('.');
      return pick([
        () => `${column} ${pick(['=', '!=', '<', '<=', '>', '>='])} ${literal()}`,
        () => `${column} ${pick(['IN', 'NOT IN'])} (${literal()}, ${literal()})`,
        () => `${column} IS ${pick(['', 'NOT '])}NULL`,
      ])();
    };
    const predicate = (depth: number): string =>
      depth > 0 && rng() < 0.5 ? pick([`NOT (${predicate(depth - 1)})`, `(${predicate(depth - 1)}) ${pick(['AND', 'OR'])} (${predicate(depth - 1)})`]) : atom();
    let nonTrivial = 0;
    for (let k = 0; k < 400; k++) {
      const text = predicate(3);
      const parsed = parsePredicate(text, schema);
      const expected = ROWS.map((row) => (evaluateOnRow(parsed, (path) => valueAt(row, path)) === true ? 1 : 0));
      assert.deepEqual([...evaluatePredicate(parsed, batch, schema)], expected, text);
      const count = expected.reduce<number>((a, b) => a + b, 0);
      if (count > 0 && count < ROWS.length) nonTrivial++;
    }
    assert.ok(nonTrivial > 100, `only ${nonTrivial} predicates split the rows`);
  });
});
