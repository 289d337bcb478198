import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { tableFromWasm } from '../../../src/parquet/arrowFromWasm';
import { GOLDEN_DIR } from '../../conformance/goldenCorpus';

/** Tables whose data files cover maps, lists of structs, nested structs, decimals, timestamps, dates, binary. */
const TABLES = ['data-reader-map', 'data-reader-array-complex-objects', 'data-reader-nested-struct', 'data-reader-primitives', 'decimal-various-scale-precision', 'kernel-timestamp-timestamp_millis'];

function parquetFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet') && !f.includes('_delta_log')).map((f) => join(dir, f));
}

/** Schema (names, types, nullability, field metadata) and every value, bigints and bytes included. */
function snapshotOf(table: Table): string {
  const schema = table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}:${JSON.stringify([...f.metadata])}`);
  const rows = table.toArray().map((row: { toJSON(): unknown }) => row.toJSON());
  return JSON.stringify({ schema, rows }, (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`;
    if (ArrayBuffer.isView(value)) return Array.from(value as Uint8Array);
    if (value instanceof Map) return [...value];
    return value;
  });
}

describe('tableFromWasm', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'arrow-from-wasm-'));
    for (const name of TABLES) execFileSync('tar', ['--zstd', '-xf', join(GOLDEN_DIR, `${name}.tar.zst`), '-C', root]);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('reads what the IPC round trip reads, for every data file of the typed golden tables', () => {
    const files = TABLES.flatMap((name) => parquetFiles(join(root, name)));
    assert.ok(files.length >= TABLES.length);
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      const viaIpc = tableFromIPC(readParquet(bytes).intoIPCStream());
      const viaFfi = tableFromWasm(readParquet(bytes));
      assert.ok(viaFfi.numRows > 0, file);
      assert.equal(snapshotOf(viaFfi), snapshotOf(viaIpc), file);
    }
  });

  test('small batches (several per table) read the same as one', () => {
    const [file] = parquetFiles(join(root, 'data-reader-primitives'));
    const bytes = new Uint8Array(readFileSync(file as string));
    const batched = tableFromWasm(readParquet(bytes, { batchSize: 3 }));
    assert.ok(batched.batches.length > 1);
    assert.equal(snapshotOf(batched), snapshotOf(tableFromIPC(readParquet(bytes).intoIPCStream())));
  });
});
