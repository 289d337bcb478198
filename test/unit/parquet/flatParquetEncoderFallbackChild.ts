/**
 * Child of flatParquetEncoderFallback.test.ts: a process where `@mongodb-js/zstd` cannot load (as
 * in a .vsix built for another platform) writes a flat-schema Delta data file with ZSTD, and
 * prints what it wrote as JSON.
 */
import Module from 'node:module';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Data, Field, Float64, Int64, RecordBatch, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import type { StructType } from '../../../src/delta/schema';
import { DataFileWriter } from '../../../src/delta/write/dataFileWriter';
import { flatParquetEncoder } from '../../../src/parquet/flatEncoder/flatParquetEncoder';
import { nativeZstd } from '../../../src/parquet/flatEncoder/nativeZstd';
import { decodeParquet } from '../../../src/parquet/readParquet';
import { LocalFileStore } from '../../../src/storage/localFileStore';

type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;
loader._resolveFilename = (request, ...rest) => {
  if (request.startsWith('@mongodb-js/zstd')) throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
  return resolve(request, ...rest);
};

const schema: StructType = {
  kind: 'struct',
  fields: [
    { name: 'id', type: { kind: 'primitive', name: 'long' }, nullable: true, metadata: {} },
    { name: 'name', type: { kind: 'primitive', name: 'string' }, nullable: true, metadata: {} },
    { name: 'score', type: { kind: 'primitive', name: 'double' }, nullable: true, metadata: {} },
  ],
};
const fields = [new Field('id', new Int64(), true), new Field('name', new Utf8(), true), new Field('score', new Float64(), true)];
const children = [
  vectorFromArray([1n, 2n, null, 40n], new Int64()).data[0] as Data,
  vectorFromArray(['a', null, 'ccc', 'b'], new Utf8()).data[0] as Data,
  vectorFromArray([0.5, -1, 2, null], new Float64()).data[0] as Data,
];
const batch = new RecordBatch(new Schema(fields), new Data(new Struct(fields), 0, 4, 0, undefined, children));

const root = await mkdtemp(join(tmpdir(), 'zstd-missing-'));
try {
  const writer = new DataFileWriter({ store: new LocalFileStore(root), schema, partitionColumns: [], columnMappingMode: 'none', compression: 'zstd' });
  await writer.write(batch);
  const [file] = await writer.finish();
  if (!file) throw new Error('no file written');
  const bytes = await readFile(join(root, decodeURIComponent(file.path)));
  const footer = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const table = decodeParquet(new Uint8Array(bytes));
  process.stdout.write(`${JSON.stringify({
    nativeZstd: nativeZstd() !== undefined,
    flatEncoder: flatParquetEncoder(batch.schema, { compression: 'zstd' }) !== undefined,
    path: file.path,
    stats: file.stats,
    codec: footer.row_groups[0]?.columns[0]?.meta_data?.codec,
    // arrow-rs (parquet-wasm) stores the Arrow schema in the footer; our flat encoder does not.
    arrowSchema: (footer.key_value_metadata ?? []).some((kv) => kv.key === 'ARROW:schema'),
    rows: table.toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON()),
  }, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
