import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRows } from '../../../src/cli/format/outputFormat';
import { rowToJson } from '../../../src/format/jsonValue';
import { isDeltaError } from '../../../src/delta/errors';
import { batchOf, built, dates, decimals, deltaType, map, schemaOf, struct, timestamps } from './arrowFixtures';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

test('integers: int64 beyond 2^53-1 become strings, everything else numbers', () => {
  const schema = schemaOf({ b: 'byte', s: 'short', i: 'integer', l: 'long' });
  const batch = batchOf(schema, [
    built(deltaType('byte'), [-128, 127, null, 0, 0, 0]),
    built(deltaType('short'), [-32768, 32767, 0, null, 0, 0]),
    built(deltaType('integer'), [-2147483648, 2147483647, 0, 0, null, 0]),
    built(deltaType('long'), [INT64_MIN, INT64_MAX, 9007199254740991n, -9007199254740991n, 9007199254740992n, null]),
  ]);
  assert.deepEqual(formatRows(batch, schema, 'ndjson'), [
    '{"b":-128,"s":-32768,"i":-2147483648,"l":"-9223372036854775808"}',
    '{"b":127,"s":32767,"i":2147483647,"l":"9223372036854775807"}',
    '{"b":null,"s":0,"i":0,"l":9007199254740991}',
    '{"b":0,"s":null,"i":0,"l":-9007199254740991}',
    '{"b":0,"s":0,"i":null,"l":"9007199254740992"}',
    '{"b":0,"s":0,"i":0,"l":null}',
  ]);
});

test('floats: shortest round-trip, float32 without widening noise, non-finite as strings', () => {
  const schema = schemaOf({ f: 'float', d: 'double' });
  const batch = batchOf(schema, [
    built(deltaType('float'), [0.1, NaN, Infinity, -Infinity, 3.4028234663852886e38, -0, null]),
    built(deltaType('double'), [0.1, NaN, Infinity, -Infinity, 1e21, 5e-324, 0.30000000000000004]),
  ]);
  assert.deepEqual(formatRows(batch, schema, 'ndjson'), [
    '{"f":0.1,"d":0.1}',
    '{"f":"NaN","d":"NaN"}',
    '{"f":"Infinity","d":"Infinity"}',
    '{"f":"-Infinity","d":"-Infinity"}',
    '{"f":3.4028235e+38,"d":1e+21}',
    '{"f":-0,"d":5e-324}',
    '{"f":null,"d":0.30000000000000004}',
  ]);
});

test('strings, booleans and binary (base64)', () => {
  const schema = schemaOf({ s: 'string', ok: 'boolean', bin: 'binary' });
  const batch = batchOf(schema, [
    built(deltaType('string'), ['plain', 'quote " and \\ and\nnewline', '', null, 'hé 😀']),
    built(deltaType('boolean'), [true, false, null, true, false]),
    built(deltaType('binary'), [new Uint8Array([0, 255, 1]), new Uint8Array(0), null, new Uint8Array([104, 195, 169]), null]),
  ]);
  assert.deepEqual(formatRows(batch, schema, 'ndjson'), [
    '{"s":"plain","ok":true,"bin":"AP8B"}',
    '{"s":"quote \\" and \\\\ and\\nnewline","ok":false,"bin":""}',
    '{"s":"","ok":null,"bin":null}',
    '{"s":null,"ok":true,"bin":"aMOp"}',
    '{"s":"hé 😀","ok":false,"bin":null}',
  ]);
});

test('decimals keep scale and all 38 digits; decimal(38,18) negative', () => {
  const schema = schemaOf({ money: 'decimal(10,2)', wide: 'decimal(38,18)', whole: 'decimal(38,0)' });
  const batch = batchOf(schema, [
    decimals(deltaType('decimal(10,2)'), [1230n, -5n, 0n, null]),
    decimals(deltaType('decimal(38,18)'), [-(10n ** 38n - 1n), 1n, -123456789012345678901234567890123456n, 0n]),
    decimals(deltaType('decimal(38,0)'), [10n ** 38n - 1n, -(10n ** 38n - 1n), 0n, null]),
  ]);
  assert.deepEqual(formatRows(batch, schema, 'ndjson'), [
    '{"money":"12.30","wide":"-99999999999999999999.999999999999999999","whole":"99999999999999999999999999999999999999"}',
    '{"money":"-0.05","wide":"0.000000000000000001","whole":"-99999999999999999999999999999999999999"}',
    '{"money":"0.00","wide":"-123456789012345678.901234567890123456","whole":"0"}',
    '{"money":null,"wide":"0.000000000000000000","whole":null}',
  ]);
});

test('dates and timestamps (UTC with Z, ntz without), before 1970 with micros', () => {
  const schema = schemaOf({ d: 'date', ts: 'timestamp', ntz: 'timestamp_ntz' });
  const batch = batchOf(schema, [
    dates([0, -1, 2932897, null]),
    timestamps(deltaType('timestamp'), [1700000000123456n, -1n, -1234567n, null]),
    timestamps(deltaType('timestamp_ntz'), [1700000000123456n, -62135596800000000n, null, 1n]),
  ]);
  assert.deepEqual(formatRows(batch, schema, 'ndjson'), [
    '{"d":"1970-01-01","ts":"2023-11-14T22:13:20.123456Z","ntz":"2023-11-14T22:13:20.123456"}',
    '{"d":"1969-12-31","ts":"1969-12-31T23:59:59.999999Z","ntz":"0001-01-01T00:00:00.000000"}',
    '{"d":"+010000-01-01","ts":"1969-12-31T23:59:58.765433Z","ntz":null}',
    '{"d":null,"ts":null,"ntz":"1970-01-01T00:00:00.000001"}',
  ]);
});

test('structs as objects, arrays as arrays, maps as [key, value] pairs, nulls at every level', () => {
  const schema = schemaOf({
    point: { type: 'struct', fields: [
      { name: 'x', type: 'integer', nullable: true, metadata: {} },
      { name: 'tags', type: { type: 'array', elementType: 'string', containsNull: true }, nullable: true, metadata: {} },
    ] },
    counts: { type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true },
  });
  const [pointType, countsType] = schema.fields.map((f) => f.type);
  const batch = batchOf(schema, [
    built(pointType, [{ x: 1, tags: ['a', null] }, null, { x: null, tags: null }, { x: 2, tags: [] }]),
    built(countsType, [new Map([['a', 1n], ['b', null]]), new Map(), null, new Map([['big', INT64_MAX]])]),
  ]);
  assert.deepEqual(formatRows(batch, schema, 'ndjson'), [
    '{"point":{"x":1,"tags":["a",null]},"counts":[["a",1],["b",null]]}',
    '{"point":null,"counts":[]}',
    '{"point":{"x":null,"tags":null},"counts":null}',
    '{"point":{"x":2,"tags":[]},"counts":[["big","9223372036854775807"]]}',
  ]);
});

test('a map of structs with decimals and timestamps inside', () => {
  const valueType = { type: 'struct', fields: [
    { name: 'amount', type: 'decimal(38,18)', nullable: true, metadata: {} },
    { name: 'at', type: 'timestamp', nullable: true, metadata: {} },
  ] };
  const schema = schemaOf({ id: 'integer', events: { type: 'map', keyType: 'string', valueType, valueContainsNull: true } });
  const eventsType = schema.fields[1].type;
  const entryType = deltaType(valueType);
  const values = struct(entryType, [
    decimals(deltaType('decimal(38,18)'), [-1500000000000000000n, null, 10n ** 38n - 1n]),
    timestamps(deltaType('timestamp'), [-1n, 0n, null]),
  ], [true, true, false]);
  const batch = batchOf(schema, [
    built(deltaType('integer'), [1, 2, 3]),
    map(eventsType, [0, 2, 2, 3], built(deltaType('string'), ['open', 'close', 'gone']), values, [true, false, true]),
  ]);
  assert.deepEqual(formatRows(batch, schema, 'ndjson'), [
    '{"id":1,"events":[["open",{"amount":"-1.500000000000000000","at":"1969-12-31T23:59:59.999999Z"}],' +
      '["close",{"amount":null,"at":"1970-01-01T00:00:00.000000Z"}]]}',
    '{"id":2,"events":null}',
    '{"id":3,"events":[["gone",null]]}',
  ]);
});

test('sliced batches read the right rows (offsets into unsliced buffers)', () => {
  const schema = schemaOf({ ok: 'boolean', ts: 'timestamp', l: { type: 'array', elementType: 'integer', containsNull: true } });
  const batch = batchOf(schema, [
    built(deltaType('boolean'), [true, false, true, null, false, true, true, false, false, true]),
    timestamps(deltaType('timestamp'), [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, null]),
    built(schema.fields[2].type, [[0], [1], [2], [3], null, [5, 5], [6], [7], [8], [9]]),
  ]).slice(3, 10);
  assert.deepEqual(formatRows(batch, schema, 'ndjson'), [
    '{"ok":null,"ts":"1970-01-01T00:00:00.000003Z","l":[3]}',
    '{"ok":false,"ts":"1970-01-01T00:00:00.000004Z","l":null}',
    '{"ok":true,"ts":"1970-01-01T00:00:00.000005Z","l":[5,5]}',
    '{"ok":true,"ts":"1970-01-01T00:00:00.000006Z","l":[6]}',
    '{"ok":false,"ts":"1970-01-01T00:00:00.000007Z","l":[7]}',
    '{"ok":false,"ts":"1970-01-01T00:00:00.000008Z","l":[8]}',
    '{"ok":true,"ts":null,"l":[9]}',
  ]);
});

test('keys stay in schema order even when names look like integers; __proto__ is plain data', () => {
  const schema = schemaOf([['b', 'integer'], ['2', 'integer'], ['__proto__', 'string'], ['1', 'integer']]);
  const batch = batchOf(schema, [
    built(deltaType('integer'), [10]), built(deltaType('integer'), [20]),
    built(deltaType('string'), ['p']), built(deltaType('integer'), [30]),
  ]);
  assert.deepEqual(formatRows(batch, schema, 'ndjson'), ['{"b":10,"2":20,"__proto__":"p","1":30}']);
  const row = rowToJson(batch, 0, schema);
  assert.equal(Object.getPrototypeOf(row), Object.prototype);
  assert.equal(row['__proto__'], 'p');
});

test('rowToJson gives JSON-ready values for a data grid', () => {
  const schema = schemaOf({ l: 'long', d: 'decimal(10,2)', m: { type: 'map', keyType: 'integer', valueType: 'string', valueContainsNull: true } });
  const batch = batchOf(schema, [
    built(deltaType('long'), [INT64_MAX, 5n]),
    decimals(deltaType('decimal(10,2)'), [-5n, null]),
    built(schema.fields[2].type, [new Map([[1, 'one']]), null]),
  ]);
  assert.deepEqual(rowToJson(batch, 0, schema), { l: '9223372036854775807', d: '-0.05', m: [[1, 'one']] });
  assert.deepEqual(rowToJson(batch, 1, schema), { l: 5, d: null, m: null });
});

test('a column missing from the batch, or stored as another type, is a schema mismatch', () => {
  const schema = schemaOf({ a: 'integer' });
  const batch = batchOf(schema, [built(deltaType('integer'), [1])]);
  assert.throws(() => formatRows(batch, schemaOf({ b: 'integer' }), 'ndjson'),
    (e: unknown) => isDeltaError(e, 'DELTA_SCHEMA_MISMATCH') && e.message === 'Column "b" is missing from the data batch.');
  assert.throws(() => formatRows(batch, schemaOf({ a: 'timestamp' }), 'ndjson'),
    (e: unknown) => isDeltaError(e, 'DELTA_SCHEMA_MISMATCH')
      && e.message === 'Column "a" has Delta type timestamp but the data batch stores it as Arrow Int32.');
});
