import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeFlatParquetAsync } from '../../../src/parquet/flatDecoder/decodeFlatParquet';
import { planFlatRead, plannedStorage } from '../../../src/parquet/flatDecoder/flatParquetPlan';
import { CODEC } from '../../../src/parquet/flatDecoder/pageCodec';
import { nativeZstdDecompress, type ZstdDecompress } from '../../../src/parquet/flatDecoder/nativeZstdDecompress';
import { PAGE_TYPE, readPageHeader } from '../../../src/parquet/flatDecoder/pageHeader';
import { NATIVE_MIN_PAGE_BYTES } from '../../../src/parquet/flatDecoder/pagePrefetch';
import { readParquetFooter } from '../../../src/parquet/flatDecoder/parquetFooter';
import { wasmZstdLoaded } from '../../../src/parquet/flatDecoder/wasmZstd';
import { decodeParquet, decodeParquetAsync, decodeParquetWasm } from '../../../src/parquet/readParquet';
import { ParquetDecodeError } from '../../../src/parquet/parquetDecodeError';
import { requirePeerPython } from '../../helpers/peers';
import { assertSameTable, compareDecodersAsync } from './flatDecoderCorpus';

const execFileAsync = promisify(execFile);

/**
 * ZSTD files as pyarrow writes them (data pages v1 and v2, dictionaries on and off, nulls, several
 * row groups and pages, the delta encodings), one uncompressed, and one the flat decoder leaves to
 * parquet-wasm (LZ4).
 */
const WRITE_FILES = String.raw`
import sys, decimal
import pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 3000
r = range(n)
def opt(k, values, typ):
    return pa.array([None if (i * 7 + k) % 11 == 0 else v for i, v in enumerate(values)], typ)
table = pa.table({
  'id': pa.array(range(n), pa.int64()),
  'q': opt(0, [(i * 2654435761) % 2**32 - 2**31 for i in r], pa.int32()),
  'price': opt(1, [i / 3 for i in r], pa.float64()),
  'customer': opt(2, ['customer-%07d' % (i * 7 % 100000) + 'é' * (i % 3) for i in r], pa.string()),
  'category': pa.array(['category-%02d' % (i % 24) for i in r], pa.string()),
  'day': opt(3, [i * 17 - 20000 for i in r], pa.date32()),
  'ts': opt(4, [i * 987654321 - 10**12 for i in r], pa.timestamp('us', tz='UTC')),
  'amount': opt(5, [decimal.Decimal((i * 7919) % 10**14 - 5 * 10**13) / 10**4 for i in r], pa.decimal128(18, 4)),
  'b': opt(6, [i % 3 == 0 for i in r], pa.bool_()),
})
for version in ['1.0', '2.0']:
    for dictionary in [True, False]:
        pq.write_table(table, f'{out}/zstd-v{version}-dict{dictionary}.parquet', compression='ZSTD', use_dictionary=dictionary,
                       data_page_version=version, row_group_size=1100, data_page_size=4096, write_batch_size=500)
pq.write_table(table.select(['id', 'q', 'customer', 'price']), f'{out}/zstd-delta.parquet', compression='ZSTD', use_dictionary=False,
               row_group_size=1100, data_page_size=4096, column_encoding={'id': 'DELTA_BINARY_PACKED', 'q': 'DELTA_BINARY_PACKED',
               'customer': 'DELTA_BYTE_ARRAY', 'price': 'BYTE_STREAM_SPLIT'})
pq.write_table(table, f'{out}/none.parquet', compression='NONE', row_group_size=1100)
pq.write_table(table.select(['q']), f'{out}/fallback-lz4.parquet', compression='LZ4')
`;

describe('flat Parquet decoder with ZSTD pages decompressed natively ahead of decoding', () => {
  let dir = '';
  let files: string[] = [];
  before(async () => {
    assert.ok(await wasmZstdLoaded(), 'the WebAssembly ZSTD decoder loads');
    dir = mkdtempSync(join(tmpdir(), 'flat-decoder-async-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('every file decodes to parquet-wasm\'s schema and values, ZSTD pages through the native decoder', async (t) => {
    const python = requirePeerPython(t);
    if (python === undefined) return;
    const native = nativeZstdDecompress();
    assert.ok(native, 'the native ZSTD binding loads on this platform');
    await execFileAsync(python, ['-c', WRITE_FILES, dir], { maxBuffer: 16 * 1024 * 1024 });
    files = readdirSync(dir).filter((name) => name.endsWith('.parquet')).sort();
    assert.equal(files.length, 7);
    for (const name of files) {
      const bytes = new Uint8Array(readFileSync(join(dir, name)));
      let calls = 0;
      const counted: ZstdDecompress = (input) => {
        calls++;
        return native(input);
      };
      // Every page native (these pages are small: by default they would stay with the WebAssembly decoder).
      const flat = await compareDecodersAsync(bytes, {}, name, counted, 0);
      assert.equal(flat, !name.startsWith('fallback-'), `${name}: ${flat ? 'flat decoder took it' : 'left to parquet-wasm'}`);
      // Every data and dictionary page of a ZSTD file went through `decompress`.
      assert.equal(calls, name.startsWith('zstd-') ? compressedPages(bytes) : 0, `${name}: pages decompressed natively`);
      calls = 0;
      assert.equal(await compareDecodersAsync(bytes, {}, `${name}, small pages kept synchronous`, counted), flat);
      assert.equal(calls, 0, `${name}: pages under ${NATIVE_MIN_PAGE_BYTES} bytes stay with the WebAssembly decoder`);
      assertSameTable(await decodeParquetAsync(bytes), decodeParquetWasm(bytes), `${name} through decodeParquetAsync`);
    }
  });

  test('projection, row groups, offset and limit, small batches read as parquet-wasm reads them', async () => {
    const native = nativeZstdDecompress();
    assert.ok(native);
    const bytes = new Uint8Array(readFileSync(join(dir, 'zstd-v2.0-dictTrue.parquet')));
    const cases = [
      { columns: ['customer', 'ts'] },
      { rowGroups: [2, 0] },
      { offset: 1500, limit: 700, batchSize: 256 },
      { limit: 0 },
      { rowGroups: [] },
    ];
    for (const options of cases) {
      assert.ok(await compareDecodersAsync(bytes, options, JSON.stringify(options), native, 0), JSON.stringify(options));
      assertSameTable(await decodeParquetAsync(bytes, options), decodeParquet(bytes, options), `${JSON.stringify(options)} through decodeParquetAsync`);
    }
  });

  test('plannedStorage names the codecs and delta encodings decodeParquet\'s row limit depends on', () => {
    const storage = (name: string, columns?: string[]): { codecs: number[]; deltaEncoded: boolean } => {
      const plan = planFlatRead(new Uint8Array(readFileSync(join(dir, name))), columns === undefined ? {} : { columns }, true);
      assert.ok(plan, name);
      const { codecs, deltaEncoded } = plannedStorage(plan);
      return { codecs: [...codecs], deltaEncoded };
    };
    assert.deepEqual(storage('zstd-v1.0-dictTrue.parquet'), { codecs: [CODEC.ZSTD], deltaEncoded: false });
    assert.deepEqual(storage('zstd-delta.parquet'), { codecs: [CODEC.ZSTD], deltaEncoded: true });
    // Only the selected columns count: 'price' is BYTE_STREAM_SPLIT, no delta encoding.
    assert.deepEqual(storage('zstd-delta.parquet', ['price']), { codecs: [CODEC.ZSTD], deltaEncoded: false });
    assert.deepEqual(storage('none.parquet'), { codecs: [CODEC.UNCOMPRESSED], deltaEncoded: false });
  });

  test('a page the native decoder refuses fails the flat read; decodeParquetAsync then raises ParquetDecodeError as decodeParquet does', async () => {
    const native = nativeZstdDecompress();
    assert.ok(native);
    const bytes = new Uint8Array(readFileSync(join(dir, 'zstd-v1.0-dictFalse.parquet')));
    const footer = readParquetFooter(bytes);
    const chunk = footer?.rowGroups[0]?.columns[1];
    assert.ok(chunk);
    const corrupt = bytes.slice();
    // The ZSTD magic number of the chunk's first page.
    const body = readPageHeader(bytes, chunk.dataPageOffset).dataOffset;
    corrupt.fill(0, body, body + 4);
    const plan = planFlatRead(corrupt, {}, true);
    assert.ok(plan);
    await assert.rejects(decodeFlatParquetAsync(corrupt, plan, 65536, native, 0), /ZSTD|zstd|frame|magic/i);
    assert.throws(() => decodeParquet(corrupt), ParquetDecodeError);
    await assert.rejects(decodeParquetAsync(corrupt), ParquetDecodeError);
    // Other columns' pages are intact: a read without the corrupt one is whole.
    assertSameTable(await decodeParquetAsync(corrupt, { columns: ['id', 'customer'] }), decodeParquetWasm(bytes, { columns: ['id', 'customer'] }), 'intact columns');
  });
});

/** Data pages (v1, and v2 with compressed values) and dictionary pages of a file's chunks with a body. */
function compressedPages(bytes: Uint8Array): number {
  const footer = readParquetFooter(bytes);
  assert.ok(footer);
  let pages = 0;
  for (const chunk of footer.rowGroups.flatMap((group) => group.columns)) {
    const first = chunk.dictionaryPageOffset ?? chunk.dataPageOffset;
    let pos = first;
    while (pos < first + chunk.totalCompressedSize) {
      const header = readPageHeader(bytes, pos);
      pos = header.dataOffset + header.compressedSize;
      const levels = header.type === PAGE_TYPE.DATA_V2 ? header.repetitionLevelsByteLength + header.definitionLevelsByteLength : 0;
      if (header.type === PAGE_TYPE.DATA_V2 && !header.isCompressed) continue;
      if (header.uncompressedSize - levels > 0 && header.type !== PAGE_TYPE.INDEX) pages++;
    }
  }
  return pages;
}
