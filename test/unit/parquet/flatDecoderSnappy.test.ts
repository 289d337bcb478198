import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chunkStart } from '../../../src/parquet/flatDecoder/columnChunkDecoder';
import { CODEC, decompressSnappy, NATIVE_SNAPPY_MIN_BYTES } from '../../../src/parquet/flatDecoder/pageCodec';
import { PAGE_TYPE, readPageHeader } from '../../../src/parquet/flatDecoder/pageHeader';
import { readParquetFooter } from '../../../src/parquet/flatDecoder/parquetFooter';
import { nativeSnappyUncompress, snappyUncompressOf, type SnappyUncompress } from '../../../src/parquet/nativeSnappyBindings';
import { planFlatRead } from '../../../src/parquet/flatDecoder/flatParquetPlan';
import { decodeParquet, decodeParquetAsync, decodeParquetWasm, flatDecoderRowLimit } from '../../../src/parquet/readParquet';
import { GOLDEN_DIR } from '../../conformance/goldenCorpus';
import { requirePeerPython } from '../../helpers/peers';
import { assertSameTable, compareDecoders } from './flatDecoderCorpus';

const execFileAsync = promisify(execFile);

/** Spark-written Snappy tables with pages of hundreds of KiB (decimals: dictionary and plain pages). */
const SPARK_TABLES = ['parquet-decimal-type', 'parquet-decimal-dictionaries'];

/** pyarrow's and delta-rs' defaults (Snappy, 1 MiB pages), 100,000 rows with nulls, in one Python call. */
const WRITE_PEERS = String.raw`
import sys
import pyarrow as pa, pyarrow.parquet as pq
from deltalake import write_deltalake
out = sys.argv[1]
n = 100_000
r = range(n)
table = pa.table({
    'id': pa.array(r, pa.int64()),
    'price': pa.array([None if i % 13 == 0 else ((i * 2654435761) % 100_000) / 7 for i in r], pa.float64()),
    'customer': pa.array([None if i % 17 == 0 else 'customer-%07d' % ((i * 7919) % 1_000_000) for i in r], pa.string()),
    'category': pa.array(['category-%02d' % (i % 24) for i in r], pa.string()),
    'quantity': pa.array([(i * 37) % 1000 for i in r], pa.int32()),
})
pq.write_table(table, f'{out}/pyarrow-snappy.parquet')
pq.write_table(table, f'{out}/pyarrow-snappy-v2.parquet', data_page_version='2.0')
write_deltalake(f'{out}/delta-rs', table)
`;

interface SnappyPage { body: Uint8Array; size: number }

/** Every Snappy-compressed page body of the file (v2 pages: their values section) with its decompressed size. */
function snappyPages(file: Uint8Array): SnappyPage[] {
  const metadata = readParquetFooter(file);
  assert.ok(metadata !== undefined, 'a footer the flat decoder reads');
  const pages: SnappyPage[] = [];
  for (const group of metadata.rowGroups) {
    for (const chunk of group.columns) {
      if (chunk.codec !== CODEC.SNAPPY) continue;
      let pos = chunkStart(chunk);
      const end = pos + chunk.totalCompressedSize;
      while (pos < end) {
        const header = readPageHeader(file, pos);
        pos = header.dataOffset + header.compressedSize;
        if (header.type === PAGE_TYPE.DATA_V2) {
          if (!header.isCompressed) continue;
          const levels = header.repetitionLevelsByteLength + header.definitionLevelsByteLength;
          pages.push({ body: file.subarray(header.dataOffset + levels, pos), size: header.uncompressedSize - levels });
        } else if (header.type === PAGE_TYPE.DATA || header.type === PAGE_TYPE.DICTIONARY) {
          pages.push({ body: file.subarray(header.dataOffset, pos), size: header.uncompressedSize });
        }
      }
    }
  }
  return pages;
}

/**
 * Decompresses every Snappy page of the file natively and with the JavaScript decoder (the binding
 * injected as missing): the same bytes. Returns how many pages went native.
 */
function assertPagesAgree(file: Uint8Array, label: string): number {
  const native = nativeSnappyUncompress();
  assert.ok(native !== undefined, 'the native Snappy binding of this platform loads');
  let nativePages = 0;
  const calls: SnappyUncompress = (block) => {
    nativePages++;
    return native(block);
  };
  for (const [at, { body, size }] of snappyPages(file).entries()) {
    const ours = decompressSnappy(body, size, () => calls);
    const javaScript = decompressSnappy(body, size, () => undefined);
    assert.equal(ours.byteLength, size, `${label}: page ${at} size`);
    assert.ok(Buffer.from(javaScript).equals(ours), `${label}: page ${at} of ${size} bytes decompresses the same natively and in JavaScript`);
  }
  return nativePages;
}

describe('native Snappy decompression of Parquet pages (raw Snappy blocks)', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'flat-decoder-snappy-'));
    for (const name of SPARK_TABLES) execFileSync('tar', ['--zstd', '-xf', join(GOLDEN_DIR, `${name}.tar.zst`), '-C', root]);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const dataFiles = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.parquet') && !f.includes('_delta_log'))
    .map((f) => join(dir, f));

  test('Spark-written files: native and JavaScript pages agree; the flat decoder reads them as parquet-wasm does', () => {
    for (const name of SPARK_TABLES) {
      const paths = dataFiles(join(root, name, 'delta'));
      assert.ok(paths.length > 0, `${name} has data files`);
      for (const path of paths) {
        const bytes = new Uint8Array(readFileSync(path));
        assert.ok(assertPagesAgree(bytes, path) > 0, `${path}: pages of ${NATIVE_SNAPPY_MIN_BYTES} bytes or more went native`);
        // Values of a slice (the 1M-row file cell by cell would take the test's time for no more pages).
        assert.ok(compareDecoders(bytes, { offset: 20_000, limit: 30_000 }, path), `${path}: taken by the flat decoder`);
      }
    }
  });

  test('pyarrow- and delta-rs-written files: pages agree; decodeParquet and decodeParquetAsync read them as parquet-wasm does', async (t) => {
    const python = requirePeerPython(t);
    if (python === undefined) return;
    const out = join(root, 'peers');
    mkdirSync(out);
    await execFileAsync(python, ['-c', WRITE_PEERS, out], { maxBuffer: 64 * 1024 * 1024 });
    const paths = dataFiles(out);
    assert.equal(paths.length, 3, paths.join(', '));
    for (const path of paths) {
      const bytes = new Uint8Array(readFileSync(path));
      assert.ok(assertPagesAgree(bytes, path) >= 5, `${path}: the large pages of every column went native`);
      const expected = decodeParquetWasm(bytes);
      assert.equal(expected.numRows, 100_000);
      // With the binding loaded, a whole-file read of any size is ours, not parquet-wasm's.
      const plan = planFlatRead(bytes, {});
      assert.ok(plan !== undefined, `${path}: a flat file`);
      assert.equal(plan.take, 100_000);
      assert.equal(flatDecoderRowLimit(plan), Infinity, `${path}: large Snappy reads take the flat decoder`);
      assertSameTable(decodeParquet(bytes), expected, `${path} (decodeParquet)`);
      assertSameTable(await decodeParquetAsync(bytes), expected, `${path} (decodeParquetAsync)`);
      assertSameTable(decodeParquet(bytes, { columns: ['customer'], offset: 70_000, limit: 20_000 }),
        decodeParquetWasm(bytes, { columns: ['customer'], offset: 70_000, limit: 20_000 }), `${path} (a slice)`);
    }
  });

  test('a page whose header announces another size is refused (the decoder then leaves the file to parquet-wasm)', () => {
    const [path] = dataFiles(join(root, 'parquet-decimal-type', 'delta'));
    assert.ok(path !== undefined);
    const page = snappyPages(new Uint8Array(readFileSync(path))).find(({ size }) => size >= NATIVE_SNAPPY_MIN_BYTES);
    assert.ok(page !== undefined);
    assert.throws(() => decompressSnappy(page.body, page.size + 1), /decompressed to \d+ bytes, its header says \d+/);
  });

  test('without its binary (napi-rs told to load a missing one) the decoder reads Snappy files in JavaScript, same values', async () => {
    const [path] = dataFiles(join(root, 'parquet-decimal-type', 'delta'));
    assert.ok(path !== undefined);
    // Within the 10,000 rows JavaScript Snappy reads keep, so our decoder takes them. A child process:
    // the binding is loaded once per process. It prints whether it found the binding, and the rows.
    const options = { offset: 20_000, limit: 8_000 };
    const script = `Promise.all([import(${JSON.stringify(new URL('../../../src/parquet/readParquet.ts', import.meta.url).href)}),
      import(${JSON.stringify(new URL('../../../src/parquet/nativeSnappyBindings.ts', import.meta.url).href)})]).then(([read, bindings]) => {
      const table = read.decodeParquet(new Uint8Array(require('node:fs').readFileSync(${JSON.stringify(path)})), ${JSON.stringify(options)});
      console.log(JSON.stringify({ native: bindings.nativeSnappyUncompress() !== undefined, rows: table.toArray().map((row) => JSON.stringify(row)) }));
    })`;
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '-e', script], {
      env: { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: join(root, 'missing.node') }, maxBuffer: 64 * 1024 * 1024,
    });
    const child = JSON.parse(stdout) as { native: boolean; rows: string[] };
    assert.equal(child.native, false);
    const expected = decodeParquetWasm(new Uint8Array(readFileSync(path)), options).toArray().map((row) => JSON.stringify(row));
    assert.equal(child.rows.length, 8_000);
    assert.deepEqual(child.rows, expected);
  });

  test('the binding is optional: a module that fails to load, or lacks uncompressSync, gives no native decompressor', () => {
    assert.equal(snappyUncompressOf(() => { throw new Error('Cannot find native binding'); }), undefined);
    assert.equal(snappyUncompressOf(() => ({ compressSync: () => new Uint8Array(0) })), undefined);
    assert.equal(snappyUncompressOf(() => null), undefined);
    const fake = snappyUncompressOf(() => ({ uncompressSync: () => 'text' }));
    assert.ok(fake !== undefined);
    assert.throws(() => fake(new Uint8Array(1)), /returned no bytes/);
  });
});
