import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { build, type Metafile } from 'esbuild';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Every input reached from `entry` through static imports only (dynamic imports load on demand). */
function staticallyReached(metafile: Metafile, entry: string): Set<string> {
  const reached = new Set([entry]);
  const queue = [entry];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    for (const imported of metafile.inputs[path]?.imports ?? []) {
      if (imported.kind === 'dynamic-import' || reached.has(imported.path)) continue;
      reached.add(imported.path);
      queue.push(imported.path);
    }
  }
  return reached;
}

/** The heavy modules `entry` loads at once: the Parquet decoders, Arrow, the worker pool, the table reader. */
async function heavyModulesReached(entry: string): Promise<{ heavy: string[]; reached: string[] }> {
  const { metafile } = await build({
    absWorkingDir: REPO_ROOT, entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', write: false, metafile: true, logLevel: 'silent',
    define: { 'import.meta.url': 'importMetaUrl' }, inject: ['scripts/importMetaUrl.mjs'],
  });
  const reached = [...staticallyReached(metafile, entry)];
  const heavy = reached.filter((path) => /node_modules\/(parquet-wasm|apache-arrow|zstddec|arrow-js-ffi)\/|src\/parquet\/parquetWorkerPool|src\/delta\/table\.ts/.test(path));
  return { heavy, reached };
}

// CONVERT reads footers and writes one commit: loading the Parquet decoders and Arrow at startup
// cost its process about 24 MiB of RSS (parquet-wasm compiles 5 MB of WebAssembly when loaded).
test('convertToDelta loads no Parquet decoder, Arrow or worker pool until a table is read', async () => {
  const { heavy, reached } = await heavyModulesReached('src/ops/convert/convertToDelta.ts');
  assert.deepEqual(heavy, []);
  // The graph is the real one: the footer reader and the commit are in it.
  assert.ok(reached.includes('src/connectors/parquet/footerFields.ts'));
  assert.ok(reached.includes('src/delta/transaction/transaction.ts'));
});

test('the CLI loads a command when it runs: `lakehouse convert` loads none of them either', async () => {
  assert.deepEqual((await heavyModulesReached('src/cli/main.ts')).heavy, []);
  const { heavy, reached } = await heavyModulesReached('src/cli/commands/convert.ts');
  assert.deepEqual(heavy, []);
  assert.ok(reached.includes('src/ops/convert/convertToDelta.ts'));
});
