import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ENCODING } from '../../../src/parquet/flatDecoder/columnChunkDecoder';
import { planFlatRead } from '../../../src/parquet/flatDecoder/flatParquetPlan';
import { readParquetFooter } from '../../../src/parquet/flatDecoder/parquetFooter';
import { requirePeerPython } from '../../helpers/peers';
import { wasmZstdLoaded } from '../../../src/parquet/flatDecoder/wasmZstd';
import { compareDecoders } from './flatDecoderCorpus';

const execFileAsync = promisify(execFile);

/**
 * Files pyarrow writes with every option that changes the bytes: data page v1 / v2, dictionary on /
 * off, each codec, several row groups and pages, nulls, all the flat types. Names starting with
 * `fallback-` hold something the flat decoder must leave to parquet-wasm.
 */
const WRITE_CORPUS = String.raw`
import sys, decimal, datetime
import pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 2500
def opt(k, values, typ):
    return pa.array([None if (i + k) % 7 == 0 else v for i, v in enumerate(values)], typ)
r = range(n)
cols = {
  'b': opt(0, [i % 3 == 0 for i in r], pa.bool_()),
  'i8': opt(1, [(i * 37) % 256 - 128 for i in r], pa.int8()),
  'i16': opt(2, [(i * 1237) % 65536 - 32768 for i in r], pa.int16()),
  'i32': opt(3, [(i * 2654435761) % 2**32 - 2**31 for i in r], pa.int32()),
  'i64': opt(4, [(i * 11400714819323198485) % 2**64 - 2**63 for i in r], pa.int64()),
  'u8': opt(5, [(i * 7) % 256 for i in r], pa.uint8()),
  'u16': opt(6, [(i * 997) % 65536 for i in r], pa.uint16()),
  'u32': opt(0, [(i * 2654435761) % 2**32 for i in r], pa.uint32()),
  'u64': opt(1, [(i * 11400714819323198485) % 2**64 for i in r], pa.uint64()),
  'f32': opt(2, [[float('nan'), float('inf'), -0.0, 1.5][i % 4] if i % 10 == 0 else i * 0.25 - 100 for i in r], pa.float32()),
  'f64': opt(3, [[float('nan'), float('-inf'), -0.0, 1e300][i % 4] if i % 10 == 0 else i / 3 for i in r], pa.float64()),
  's': opt(4, ['' if i % 11 == 0 else 'v%d' % (i % 50) + 'é' * (i % 3) for i in r], pa.string()),
  's_unique': opt(5, ['row %d %s' % (i, 'x' * (i % 40)) for i in r], pa.string()),
  'bin': opt(6, [bytes([i % 256, (i * 3) % 256]) * (i % 5) for i in r], pa.binary()),
  'd32': opt(0, [i * 17 - 20000 for i in r], pa.date32()),
  'ts_ms': opt(1, [i * 123456789 for i in r], pa.timestamp('ms')),
  'ts_us_utc': opt(2, [i * 987654321 - 10**12 for i in r], pa.timestamp('us', tz='UTC')),
  'ts_ns_ny': opt(3, [i * 10**12 + 7 for i in r], pa.timestamp('ns', tz='America/New_York')),
  'ts_us': opt(4, [i * 10**9 for i in r], pa.timestamp('us')),
  't32': opt(5, [(i * 1000) % 86400000 for i in r], pa.time32('ms')),
  't64': opt(6, [(i * 10**6) % (86400 * 10**6) for i in r], pa.time64('us')),
  'dec5': opt(0, [decimal.Decimal(i - 1250) / 100 for i in r], pa.decimal128(5, 2)),
  'dec18': opt(1, [decimal.Decimal((i * 7919) % 10**14 - 5 * 10**13) / 10**4 for i in r], pa.decimal128(18, 4)),
  'dec38': opt(2, [decimal.Decimal((i * 10**30 + i) * (-1) ** i) / 10**10 for i in r], pa.decimal128(38, 10)),
  'fsb': opt(3, [bytes([i % 256, 1, 2, (i * 5) % 256]) for i in r], pa.binary(4)),
  'all_null': pa.array([None] * n, pa.int32()),
}
fields = [pa.field(k, v.type) for k, v in cols.items()]
fields.append(pa.field('req_i64', pa.int64(), nullable=False)); cols['req_i64'] = pa.array(range(n), pa.int64())
fields.append(pa.field('req_s', pa.string(), nullable=False)); cols['req_s'] = pa.array(['k%d' % (i % 9) for i in r], pa.string())
table = pa.Table.from_arrays(list(cols.values()), schema=pa.schema(fields, metadata={'writer': 'flat-decoder-test'}))
for version in ['1.0', '2.0']:
    for codec in ['NONE', 'SNAPPY', 'ZSTD', 'GZIP']:
        for dictionary in [True, False]:
            pq.write_table(table, f'{out}/pyarrow-v{version}-{codec}-dict{dictionary}.parquet', row_group_size=1000,
                           data_page_size=4096, write_batch_size=500, data_page_version=version, compression=codec,
                           use_dictionary=dictionary)
pq.write_table(table, f'{out}/pyarrow-no-arrow-schema.parquet', store_schema=False, row_group_size=1200)
pq.write_table(table.select(['dec5', 'dec18']), f'{out}/pyarrow-decimal-as-integer.parquet', store_decimal_as_integer=True)
pq.write_table(pa.table({'t96': opt(0, [i * 86400 * 10**9 // 7 - 10**18 for i in r], pa.timestamp('ns'))}), f'{out}/pyarrow-int96.parquet',
               use_deprecated_int96_timestamps=True)
pq.write_table(table.slice(0, 0), f'{out}/pyarrow-zero-rows.parquet')
pq.write_table(table.select(['i64', 's']), f'{out}/pyarrow-delta-encodings.parquet', use_dictionary=False,
               column_encoding={'i64': 'DELTA_BINARY_PACKED', 's': 'DELTA_LENGTH_BYTE_ARRAY'})
pq.write_table(table.select(['i32']), f'{out}/fallback-lz4.parquet', compression='LZ4')
pq.write_table(pa.table({'d': pa.array(['a', 'b', None, 'a']).dictionary_encode()}), f'{out}/fallback-arrow-dictionary.parquet')
pq.write_table(pa.table({'l': pa.array(['a', 'b'], pa.large_string())}), f'{out}/fallback-large-string.parquet')
pq.write_table(pa.table({'l': pa.array([[1, 2], None, []], pa.list_(pa.int32()))}), f'{out}/fallback-list.parquet')
pq.write_table(pa.table({'s': pa.array([{'x': 1}, None], pa.struct([('x', pa.int32())]))}), f'{out}/fallback-struct.parquet')
`;

/**
 * DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT pages as
 * pyarrow writes them (data pages v1 and v2, with and without compression, nulls, several pages),
 * decoded by the flat decoder and by parquet-wasm: same schema and values.
 */
const WRITE_ENCODINGS = String.raw`
import sys, decimal
import pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 3000
r = range(n)
def opt(k, values, typ):
    return pa.array([None if (i * 7 + k) % 11 == 0 else v for i, v in enumerate(values)], typ)
ints = {
  # Sorted, random, extreme and constant runs: every miniblock bit width from 0 to 64.
  'i32_sorted': opt(0, [i * 3 - 4000 for i in r], pa.int32()),
  'i32_random': opt(1, [(i * 2654435761) % 2**32 - 2**31 for i in r], pa.int32()),
  'i32_extremes': pa.array([[-2**31, 2**31 - 1, 0, -1][i % 4] for i in r], pa.int32()),
  'i64_random': opt(2, [(i * 11400714819323198485) % 2**64 - 2**63 for i in r], pa.int64()),
  'i64_extremes': pa.array([[-2**63, 2**63 - 1, 0, -1, 2**40][i % 5] for i in r], pa.int64()),
  'i64_ids': pa.array([10**12 + i for i in r], pa.int64()),
  'i64_constant': opt(3, [42] * n, pa.int64()),
  'date': opt(4, [i * 17 - 20000 for i in r], pa.date32()),
  'ts': opt(5, [i * 987654321 - 10**12 for i in r], pa.timestamp('us', tz='UTC')),
  'i8': opt(6, [(i * 37) % 256 - 128 for i in r], pa.int8()),
}
decimals = {
  'dec_i32': opt(7, [decimal.Decimal(i * 31 - 40000) / 100 for i in r], pa.decimal128(9, 2)),
  'dec_i64': opt(8, [decimal.Decimal((i * 7919) % 10**14 - 5 * 10**13) / 10**4 for i in r], pa.decimal128(18, 4)),
}
strings = {
  's_prefixed': opt(0, ['customer-%07d' % (i * 7 % 100000) for i in r], pa.string()),
  's_mixed': opt(1, ['' if i % 13 == 0 else 'v%d' % (i % 50) + 'é' * (i % 3) + 'x' * (i % 70) for i in r], pa.string()),
  'bin': opt(2, [bytes([i % 256, (i * 3) % 256]) * (i % 5) for i in r], pa.binary()),
  'req_s': pa.array(['k%d' % (i % 9) for i in r], pa.string()),
}
fixed = {
  'dec5': opt(0, [decimal.Decimal(i - 1250) / 100 for i in r], pa.decimal128(5, 2)),
  'dec38': opt(1, [decimal.Decimal((i * 10**30 + i) * (-1) ** i) / 10**10 for i in r], pa.decimal128(38, 10)),
  'fsb': opt(2, [bytes([i % 256, 1, 2, (i * 5) % 256]) for i in r], pa.binary(4)),
}
floats = {
  'f32': opt(0, [[float('nan'), float('inf'), -0.0, 1.5][i % 4] if i % 10 == 0 else i * 0.25 - 100 for i in r], pa.float32()),
  'f64': opt(1, [[float('nan'), float('-inf'), -0.0, 1e300][i % 4] if i % 10 == 0 else i / 3 for i in r], pa.float64()),
  'req_f64': pa.array([i * 1.5 for i in r], pa.float64()),
}
def write(name, cols, encoding, **options):
    table = pa.table(cols)
    for version in ['1.0', '2.0']:
        for codec in ['NONE', 'ZSTD']:
            pq.write_table(table, f'{out}/{name}-v{version}-{codec}.parquet', use_dictionary=False, data_page_version=version,
                           compression=codec, row_group_size=1200, data_page_size=2048, write_batch_size=500,
                           column_encoding={k: encoding for k in cols} if encoding else None, **options)
write('delta-binary-packed', ints, 'DELTA_BINARY_PACKED')
write('delta-binary-packed-decimals', decimals, 'DELTA_BINARY_PACKED', store_decimal_as_integer=True)
write('delta-length-byte-array', strings, 'DELTA_LENGTH_BYTE_ARRAY')
write('delta-byte-array', {**strings, **fixed}, 'DELTA_BYTE_ARRAY')
write('byte-stream-split-floats', floats, None, use_byte_stream_split=True)
write('byte-stream-split-fixed', {**{k: ints[k] for k in ['i32_random', 'i64_random', 'date']}, **fixed}, 'BYTE_STREAM_SPLIT')
`;

/** The encodings the data pages of a file's column chunks list. */
function encodingsOf(bytes: Uint8Array): Set<number> {
  const footer = readParquetFooter(bytes);
  assert.ok(footer, 'a footer');
  return new Set(footer.rowGroups.flatMap((group) => group.columns.flatMap((chunk) => chunk.encodings)));
}

describe('flat Parquet decoder vs parquet-wasm on files pyarrow writes', () => {
  let dir = '';
  before(async () => {
    assert.ok(await wasmZstdLoaded(), 'the WebAssembly ZSTD decoder loads');
    dir = mkdtempSync(join(tmpdir(), 'flat-decoder-pyarrow-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('every file decodes to the same schema and values, or is left to parquet-wasm when it must be', async (t) => {
    const python = requirePeerPython(t);
    if (python === undefined) return;
    await execFileAsync(python, ['-c', WRITE_CORPUS, dir], { maxBuffer: 16 * 1024 * 1024 });
    const files = readdirSync(dir).filter((name) => name.endsWith('.parquet')).sort();
    assert.equal(files.length, 26);
    for (const name of files) {
      const bytes = new Uint8Array(readFileSync(join(dir, name)));
      const flat = compareDecoders(bytes, {}, name);
      assert.equal(flat, !name.startsWith('fallback-'), `${name}: ${flat ? 'flat decoder took it' : 'left to parquet-wasm'}`);
    }
  });

  test('column selection, row group selection, small batches, offset and limit read as parquet-wasm reads them', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'pyarrow-v2.0-ZSTD-dictTrue.parquet')));
    const cases = [
      { columns: ['s', 'i32', 'ts_ns_ny'] },
      { columns: ['req_s'] },
      { rowGroups: [2, 0] },
      { rowGroups: [1], columns: ['bin', 'b'] },
      { batchSize: 300 },
      { batchSize: 1000, rowGroups: [0, 1, 2] },
      { rowGroups: [] },
      { offset: 1500, limit: 700 },
      { limit: 10 },
      { offset: 2400 },
      { offset: 900, limit: 250, batchSize: 64 },
      { offset: 100, limit: 50, rowGroups: [2, 1] },
      { limit: 0 },
    ];
    for (const options of cases) assert.ok(compareDecoders(bytes, options, JSON.stringify(options)), JSON.stringify(options));
  });

  test('names the file lacks are left out as parquet-wasm leaves them out; a row group past its end is left to parquet-wasm', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'pyarrow-v1.0-NONE-dictFalse.parquet')));
    assert.deepEqual(planFlatRead(bytes, { columns: ['nope', 'i32'] })?.columns.map((column) => column.leaf.name), ['i32']);
    assert.ok(compareDecoders(bytes, { columns: ['nope', 'i32'] }, 'a missing and a present name'));
    assert.ok(compareDecoders(bytes, { columns: ['nope'] }, 'only a missing name'));
    assert.equal(planFlatRead(bytes, { rowGroups: [3] }), undefined);
    assert.equal(planFlatRead(bytes.subarray(0, bytes.byteLength - 1), {}), undefined);
  });

  test('delta and byte-stream-split pages: every file is taken by the flat decoder and decodes to the same schema and values', async (t) => {
    const python = requirePeerPython(t);
    if (python === undefined) return;
    const encodings = join(dir, 'encodings');
    mkdirSync(encodings);
    await execFileAsync(python, ['-c', WRITE_ENCODINGS, encodings], { maxBuffer: 16 * 1024 * 1024 });
    const files = readdirSync(encodings).filter((name) => name.endsWith('.parquet')).sort();
    assert.equal(files.length, 24);
    const expected: Record<string, number> = {
      'delta-binary-packed': ENCODING.DELTA_BINARY_PACKED,
      'delta-binary-packed-decimals': ENCODING.DELTA_BINARY_PACKED,
      'delta-length-byte-array': ENCODING.DELTA_LENGTH_BYTE_ARRAY,
      'delta-byte-array': ENCODING.DELTA_BYTE_ARRAY,
      'byte-stream-split-floats': ENCODING.BYTE_STREAM_SPLIT,
      'byte-stream-split-fixed': ENCODING.BYTE_STREAM_SPLIT,
    };
    for (const name of files) {
      const bytes = new Uint8Array(readFileSync(join(encodings, name)));
      const encoding = Object.entries(expected).find(([prefix]) => name.startsWith(`${prefix}-v`))?.[1];
      assert.ok(encoding !== undefined && encodingsOf(bytes).has(encoding), `${name} holds the encoding it is named after`);
      assert.ok(compareDecoders(bytes, {}, name), `${name}: the flat decoder takes it`);
      assert.ok(compareDecoders(bytes, { rowGroups: [1], offset: 300, limit: 500, batchSize: 128 }, `${name} (a slice)`));
    }
  });
});
