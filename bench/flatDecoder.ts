/**
 * The flat Parquet decoder (src/parquet/flatDecoder) against parquet-wasm, the decoder it replaces
 * for flat files, measured in the same process and run: CPU time (user + system) of decoding
 *  (a) 10,000 small 100-row files written by our flat encoder (what compacting small files reads),
 *  (b) a 10M-row, 10-column file set written by pyarrow (10 files of one 1M-row group, ZSTD, the
 *      wide schema of the reader benchmark), one row group per call as scans and DML read them,
 *  (c) the first 1M rows of (b) re-written with 10,000-, 65,536- and 262,144-row groups, one call
 *      per group (where decodeParquet's row threshold would sit),
 *  (d) 1M rows in one row group written by pyarrow without dictionaries in the delta encodings and
 *      BYTE_STREAM_SPLIT (int64 ids, int32, int64 timestamps: DELTA_BINARY_PACKED; strings:
 *      DELTA_BYTE_ARRAY; doubles: BYTE_STREAM_SPLIT), ZSTD,
 *  (e) the first 1M rows of (b) re-written Snappy (Spark's, delta-rs' and pyarrow's default codec)
 *      with 10,000-, 65,536-, 262,144- and 1M-row groups, and gzip with 65,536- and 1M-row groups.
 * Three decoders rotate: ours synchronous (ZSTD in WebAssembly, decodeParquet), ours async (ZSTD
 * pages decompressed natively on libuv's pool ahead of decoding, decodeParquetAsync; its pool
 * threads' CPU is counted too; Snappy and gzip pages are decompressed in place by both) and parquet-wasm; the median of `--runs` (3) is reported with the
 * ratios parquet-wasm / ours.
 *
 *   node --import tsx bench/flatDecoder.ts [--runs 3] [--only a,b,c,d,e]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DateDay, Decimal, Field, Float64, Int32, Int64, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8, makeData, vectorFromArray, type Data, type Table } from 'apache-arrow';
import { wasmZstdLoaded } from '../src/parquet/flatDecoder/wasmZstd';
import { flatParquetEncoder } from '../src/parquet/flatEncoder/flatParquetEncoder';
import { decodeFlatParquet, decodeFlatParquetAsync } from '../src/parquet/flatDecoder/decodeFlatParquet';
import { planFlatRead } from '../src/parquet/flatDecoder/flatParquetPlan';
import { nativeZstdDecompress } from '../src/parquet/flatDecoder/nativeZstdDecompress';
import { decodeParquetWasm, parquetLayout, type ParquetReadOptions } from '../src/parquet/readParquet';
import { CACHE_DIR, REPO_ROOT, peerPython } from './benchPaths';

type Decode = (bytes: Uint8Array, options?: ParquetReadOptions) => Table | Promise<Table>;

/** The flat decoder on every read, whatever decodeParquet's row threshold (it must take every file here). */
function decodeFlat(bytes: Uint8Array, options: ParquetReadOptions = {}): Table {
  const plan = planFlatRead(bytes, options);
  if (plan === undefined) throw new Error('the flat decoder does not take a benchmark file');
  return decodeFlatParquet(bytes, plan, options.batchSize ?? 65536);
}

/** The same through the async path (native ZSTD ahead of decoding), whatever decodeParquetAsync's threshold. */
async function decodeFlatAsync(bytes: Uint8Array, options: ParquetReadOptions = {}): Promise<Table> {
  const decompress = nativeZstdDecompress();
  const plan = planFlatRead(bytes, options, true);
  if (plan === undefined || decompress === undefined) throw new Error('the async flat decoder does not take a benchmark file');
  return decodeFlatParquetAsync(bytes, plan, options.batchSize ?? 65536, decompress);
}

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',') : ['a', 'b', 'c', 'd', 'e'];

async function cpuMs(work: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  const start = process.cpuUsage();
  const rows = await work();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, rows };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const DECODERS: Array<[string, Decode]> = [['ours sync', decodeFlat], ['ours async', decodeFlatAsync], ['parquet-wasm', decodeParquetWasm]];

async function compare(label: string, work: (decode: Decode) => Promise<number>): Promise<void> {
  const times = DECODERS.map((): number[] => []);
  for (let run = 0; run < runs; run++) {
    const rows: number[] = [];
    for (let k = 0; k < DECODERS.length; k++) {
      const at = (run + k) % DECODERS.length;
      const result = await cpuMs(() => work((DECODERS[at] as [string, Decode])[1]));
      times[at]?.push(result.ms);
      rows.push(result.rows);
    }
    if (new Set(rows).size !== 1) throw new Error(`${label}: rows ${rows.join(' vs ')}`);
  }
  const [sync, async, wasm] = times.map(median) as [number, number, number];
  const runText = times.map((t) => t.map((v) => v.toFixed(0)).join('/')).join(' vs ');
  console.log(`${label}: ours sync ${sync.toFixed(0)} ms CPU (${(wasm / sync).toFixed(2)}x), ours async ${async.toFixed(0)} ms (${(wasm / async).toFixed(2)}x), parquet-wasm ${wasm.toFixed(0)} ms; ratio = parquet-wasm / ours (runs: ${runText})`);
}

/** 100 distinct 100-row files of the wide schema from our flat encoder (ZSTD), each repeated 100 times as its own buffer. */
async function smallFiles(): Promise<Uint8Array[]> {
  const schema = new Schema([
    new Field('id', new Int64(), false), new Field('quantity', new Int32(), true), new Field('price', new Float64(), true),
    new Field('ratio', new Float64(), true), new Field('customer', new Utf8(), true), new Field('category', new Utf8(), true),
    new Field('event_date', new DateDay(), true), new Field('event_time', new TimestampMicrosecond('UTC'), true),
    new Field('amount', new Decimal(2, 18, 128), true), new Field('tax', new Decimal(4, 10, 128), true),
  ]);
  const distinct: Uint8Array[] = [];
  for (let file = 0; file < 100; file++) {
    const n = 100;
    const base = file * n;
    const words = (scale: number): Data => {
      const out = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) out[i * 4] = ((base + i) * scale) % 1_000_000_000;
      return makeData({ type: new Decimal(2, 18, 128), length: n, data: out });
    };
    const children = [
      vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(base + i)), new Int64()).data[0],
      vectorFromArray(Array.from({ length: n }, (_, i) => (i % 17 === 0 ? null : (base + i) % 1000)), new Int32()).data[0],
      vectorFromArray(Array.from({ length: n }, (_, i) => (base + i) * 0.37), new Float64()).data[0],
      vectorFromArray(Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : 1 / (base + i + 1))), new Float64()).data[0],
      vectorFromArray(Array.from({ length: n }, (_, i) => `customer-${String((base + i) * 7 % 1_000_000).padStart(7, '0')}`), new Utf8()).data[0],
      vectorFromArray(Array.from({ length: n }, (_, i) => `category-${String((base + i) % 24).padStart(2, '0')}`), new Utf8()).data[0],
      vectorFromArray(Array.from({ length: n }, (_, i) => new Date(86_400_000 * (19_000 + ((base + i) % 365)))), new DateDay()).data[0],
      vectorFromArray(Array.from({ length: n }, (_, i) => 1_700_000_000_000 + (base + i) * 1000), new TimestampMicrosecond('UTC')).data[0],
      words(12_345), makeData({ type: new Decimal(4, 10, 128), length: n, data: words(77).values }),
    ] as Data[];
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, children }));
    const encoder = flatParquetEncoder(schema, { compression: 'zstd' });
    if (!encoder) throw new Error('the flat encoder does not take the wide schema');
    await encoder.write(batch);
    distinct.push(await encoder.finish());
  }
  return Array.from({ length: 10_000 }, (_, i) => (distinct[i % 100] as Uint8Array).slice());
}

const WIDE_WRITER = String.raw`
import sys, pyarrow as pa, pyarrow.parquet as pq, pyarrow.compute as pc
sys.path.insert(0, sys.argv[2])
from bench_wide_columns import WIDE_SCHEMA, CATEGORIES, customers, decimals
n = 1_000_000
for f in range(10):
    ids = pa.array(range(f * n, (f + 1) * n), pa.int64())
    # Scrambled values from a multiplicative hash of the id (no numpy in the peer environment).
    h = pc.bit_wise_and(pc.multiply(ids, 2654435761), 0x7FFFFFFF)
    g = pc.bit_wise_and(pc.multiply(ids, 40503), 0x7FFFFFFF)
    t = pa.Table.from_arrays([
        ids, pc.cast(pc.bit_wise_and(h, 1023), pa.int32()), pc.divide(pc.cast(h, pa.float64()), 2.0 ** 31),
        pc.divide(pc.cast(g, pa.float64()), 2.0 ** 31), customers(pc.bit_wise_and(h, 0xFFFFF)),
        CATEGORIES.take(pc.bit_wise_and(pc.shift_right(h, 7), 15)),
        pc.cast(pc.cast(pc.add(pc.bit_wise_and(g, 1023), 18000), pa.int32()), pa.date32()),
        pc.cast(pc.add(pc.multiply(h, 1000), 1_600_000_000_000_000), pa.timestamp('us', tz='UTC')),
        decimals(pc.bit_wise_and(h, 0x7FFFFF), pa.decimal128(18, 2)),
        decimals(pc.bit_wise_and(pc.shift_right(g, 3), 0x3FFFFFF), pa.decimal128(10, 4)),
    ], schema=WIDE_SCHEMA)
    pq.write_table(t, f'{sys.argv[1]}/part-{f}.parquet', compression='zstd', row_group_size=n)
`;

function wideFiles(): Uint8Array[] {
  const dir = join(CACHE_DIR, 'decoder', 'wide-10x1000000-zstd');
  if (!existsSync(join(dir, 'part-9.parquet'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync(peerPython(), ['-c', WIDE_WRITER, dir, join(REPO_ROOT, 'scripts')], { stdio: 'inherit' });
  }
  return readdirSync(dir).filter((f) => f.endsWith('.parquet')).map((f) => new Uint8Array(readFileSync(join(dir, f))));
}

const REGROUP = String.raw`
import sys, pyarrow.parquet as pq
pq.write_table(pq.read_table(sys.argv[1]), sys.argv[2], compression=sys.argv[4], row_group_size=int(sys.argv[3]))
`;

/** The first file of (b) with row groups of `rows` rows, compressed with `codec` (a pyarrow name). */
function regrouped(source: string, rows: number, codec = 'zstd'): Uint8Array {
  const path = join(CACHE_DIR, 'decoder', `wide-1000000-groups-${rows}-${codec}.parquet`);
  if (!existsSync(path)) execFileSync(peerPython(), ['-c', REGROUP, source, path, String(rows), codec], { stdio: 'inherit' });
  return new Uint8Array(readFileSync(path));
}

const DELTA_WRITER = String.raw`
import sys, pyarrow as pa, pyarrow.parquet as pq, pyarrow.compute as pc
n = 1_000_000
ids = pa.array(range(n), pa.int64())
h = pc.bit_wise_and(pc.multiply(ids, 2654435761), 0x7FFFFFFF)
t = pa.table({
    'id': ids, 'quantity': pc.cast(pc.bit_wise_and(h, 1023), pa.int32()),
    'event_time': pc.add(pc.multiply(h, 1000), 1_600_000_000_000_000),
    'customer': pc.binary_join_element_wise('customer-', pc.utf8_lpad(pc.cast(pc.bit_wise_and(h, 0xFFFFF), pa.string()), 7, '0'), ''),
    'price': pc.divide(pc.cast(h, pa.float64()), 2.0 ** 31),
})
pq.write_table(t, sys.argv[1], use_dictionary=False, compression='zstd', row_group_size=n, column_encoding={
    'id': 'DELTA_BINARY_PACKED', 'quantity': 'DELTA_BINARY_PACKED', 'event_time': 'DELTA_BINARY_PACKED',
    'customer': 'DELTA_BYTE_ARRAY', 'price': 'BYTE_STREAM_SPLIT'})
`;

function deltaFile(): Uint8Array {
  const path = join(CACHE_DIR, 'decoder', 'delta-encodings-1000000-zstd.parquet');
  if (!existsSync(path)) {
    mkdirSync(join(CACHE_DIR, 'decoder'), { recursive: true });
    execFileSync(peerPython(), ['-c', DELTA_WRITER, path], { stdio: 'inherit' });
  }
  return new Uint8Array(readFileSync(path));
}

/** Rows decoded reading every row group of every file, one group per call. */
async function everyGroup(files: Uint8Array[], decode: Decode): Promise<number> {
  let rows = 0;
  for (const bytes of files) {
    const { rowGroups } = parquetLayout(bytes);
    for (const [group] of rowGroups.entries()) rows += (await decode(bytes, { rowGroups: [group] })).numRows;
  }
  return rows;
}

if (!(await wasmZstdLoaded())) throw new Error('the WebAssembly ZSTD decoder did not load');
if (nativeZstdDecompress() === undefined) throw new Error('the native ZSTD binding did not load');
const [load1, load5] = loadavg();
console.log(`load average at start: ${load1?.toFixed(1)} (1 min), ${load5?.toFixed(1)} (5 min)`);
if (only.includes('a')) {
  const files = await smallFiles();
  await compare('(a) 10,000 files x 100 rows', async (decode) => {
    let rows = 0;
    for (const bytes of files) rows += (await decode(bytes)).numRows;
    return rows;
  });
}
if (only.includes('b')) {
  const files = wideFiles();
  await compare('(b) 10M rows x 10 columns, 10 files', (decode) => everyGroup(files, decode));
}
if (only.includes('c')) {
  wideFiles();
  const source = join(CACHE_DIR, 'decoder', 'wide-10x1000000-zstd', 'part-0.parquet');
  for (const rows of [10_000, 65_536, 262_144]) {
    const file = regrouped(source, rows);
    await compare(`(c) 1M rows in ${rows.toLocaleString('en-US')}-row groups`, (decode) => everyGroup([file], decode));
  }
}
if (only.includes('e')) {
  wideFiles();
  const source = join(CACHE_DIR, 'decoder', 'wide-10x1000000-zstd', 'part-0.parquet');
  const cases: Array<[string, number]> = [
    ['snappy', 10_000], ['snappy', 65_536], ['snappy', 262_144], ['snappy', 1_000_000], ['gzip', 65_536], ['gzip', 1_000_000],
  ];
  for (const [codec, rows] of cases) {
    const file = regrouped(source, rows, codec);
    await compare(`(e) 1M rows in ${rows.toLocaleString('en-US')}-row groups, ${codec}`, (decode) => everyGroup([file], decode));
  }
}
if (only.includes('d')) {
  const file = deltaFile();
  await compare('(d) 1M rows, delta encodings and BYTE_STREAM_SPLIT', (decode) => everyGroup([file], decode));
}
