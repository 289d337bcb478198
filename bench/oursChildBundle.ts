import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { CACHE_DIR, REPO_ROOT } from './benchPaths';

const require = createRequire(import.meta.url);

/**
 * Bundles a benchmark child (bench/oursChild.ts by default) into `<name>.cjs` with the options of the CLI bundle (scripts/build.mjs): CommonJS for
 * node20, parquet-wasm's .wasm and the Parquet worker beside it. The linked source map lets CPU profiles name
 * src/ files and lines. `from`: another source tree (e.g. a `git archive` copy of a commit, with node_modules)
 * bundled into `dir`, which must lie in this checkout: the bundle finds native modules (ZSTD) from there.
 */
export async function buildOursChild(entry = 'bench/oursChild.ts', name = 'ours-child', from: { root: string; dir: string } = { root: REPO_ROOT, dir: join(CACHE_DIR, 'child') }): Promise<string> {
  const { dir } = from;
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${name}.cjs`);
  const options = {
    absWorkingDir: from.root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
    define: { 'import.meta.url': 'importMetaUrl' },
    inject: ['scripts/importMetaUrl.mjs'],
  } satisfies BuildOptions;
  await build({ ...options, entryPoints: [entry], outfile });
  // The Parquet worker pool starts its worker from the bundle's directory, as in dist/.
  await build({ ...options, entryPoints: ['src/parquet/parquetWorker.ts'], outfile: join(dir, 'parquetWorker.cjs') });
  await build({ ...options, entryPoints: ['src/ops/optimize/writerWorker.ts'], outfile: join(dir, 'writerWorker.cjs') });
  copyFileSync(require.resolve('parquet-wasm/node/parquet_wasm_bg.wasm'), join(dir, 'parquet_wasm_bg.wasm'));
  return outfile;
}
