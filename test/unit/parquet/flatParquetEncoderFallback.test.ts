import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

test('without the native ZSTD module, a flat schema is written through parquet-wasm: ZSTD, the same stats, every value', async () => {
  const child = fileURLToPath(new URL('./flatParquetEncoderFallbackChild.ts', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', child], { timeout: 240_000 });
  const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
  assert.equal(result.nativeZstd, false);
  assert.equal(result.flatEncoder, false);
  assert.equal(result.codec, 'ZSTD');
  assert.equal(result.arrowSchema, true, 'parquet-wasm wrote the file');
  assert.match(String(result.path), /^part-00000-[0-9a-f-]{36}-c000\.zstd\.parquet$/);
  assert.equal(result.stats, '{"numRecords":4,"minValues":{"id":1,"name":"a","score":-1},"maxValues":{"id":40,"name":"ccc","score":2},"nullCount":{"id":1,"name":1,"score":1}}');
  assert.deepEqual(result.rows, [
    { id: '1', name: 'a', score: 0.5 },
    { id: '2', name: null, score: -1 },
    { id: null, name: 'ccc', score: 2 },
    { id: '40', name: 'b', score: null },
  ]);
});
