// One esbuild script for every bundle: the extension host (CJS, as VS Code loads it), the CLI
// (CJS with a shebang), and the webview (browser IIFE). parquet-wasm's node build loads its .wasm
// from its own directory, so the file is copied next to the bundles.
import { build } from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, chmodSync, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // The native ZSTD of the Parquet encoder and decoder (src/parquet/nativeZstdBindings.ts) and the
  // native Snappy of the decoder (src/parquet/nativeSnappyBindings.ts) load their platform's .node
  // binary from node_modules at run time: never bundled.
  external: ['vscode', '@mongodb-js/zstd', 'snappy'],
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: ['scripts/importMetaUrl.mjs'],
};

const builds = [
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.cjs', banner: { js: '#!/usr/bin/env node' } },
  // Started by src/parquet/parquetWorkerPool.ts from the directory of the bundle that uses it.
  { ...node, entryPoints: ['src/parquet/parquetWorker.ts'], outfile: 'dist/parquetWorker.cjs' },
  // Started by src/ops/optimize/writerThread.ts (OPTIMIZE writes its files in it) the same way.
  { ...node, entryPoints: ['src/ops/optimize/writerWorker.ts'], outfile: 'dist/writerWorker.cjs' },
  // Started by src/connectors/postgres/copyInWorker.ts (PostgreSQL snapshots) the same way.
  { ...node, entryPoints: ['src/connectors/postgres/pgCopyWorker.ts'], outfile: 'dist/pgCopyWorker.cjs' },
];
if (existsSync('src/extension/activate.ts')) {
  builds.push({ ...node, entryPoints: ['src/extension/activate.ts'], outfile: 'dist/extension.cjs' });
}
// In-host API tests (test/host), loaded by VS Code as `extensionTestsPath`; not in the .vsix.
if (!production && existsSync('test/host/runHostTests.ts')) {
  builds.push({ ...node, entryPoints: ['test/host/runHostTests.ts'], outfile: 'dist/hostTests.cjs' });
}
if (existsSync('webview/main.ts')) {
  builds.push({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production, minify: production,
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', logLevel: 'warning',
  });
}

await Promise.all(builds.map((options) => build(options)));
copyFileSync(require.resolve('parquet-wasm/node/parquet_wasm_bg.wasm'), 'dist/parquet_wasm_bg.wasm');
chmodSync('dist/cli.cjs', 0o755);
// The native ZSTD (its loader and the binaries installed for this platform) next to the bundles,
// where their require finds it and the .vsix takes it (vsce --no-dependencies skips node_modules).
for (const name of readdirSync('node_modules/@mongodb-js').filter((n) => n === 'zstd' || n.startsWith('zstd-'))) {
  cpSync(`node_modules/@mongodb-js/${name}`, `dist/node_modules/@mongodb-js/${name}`, { recursive: true });
}
// The native Snappy the same way: its loader, and its binary from the platform's optional package.
cpSync('node_modules/snappy', 'dist/node_modules/snappy', { recursive: true });
for (const name of existsSync('node_modules/@napi-rs') ? readdirSync('node_modules/@napi-rs').filter((n) => n.startsWith('snappy-')) : []) {
  cpSync(`node_modules/@napi-rs/${name}`, `dist/node_modules/@napi-rs/${name}`, { recursive: true });
}
