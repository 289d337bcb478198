/**
 * The .vsix takes only what .vscodeignore lets through. Every bundle scripts/build.mjs writes for the
 * installed extension (the extension and the worker bundles it starts at run time) must be let
 * through, or a command fails only after installation, where no other test looks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

/** Bundles built for development or the command line only, never loaded by the installed extension. */
const NOT_PACKAGED = new Set(['dist/cli.cjs', 'dist/hostTests.cjs']);

test('.vscodeignore lets every bundle the extension loads into the .vsix', async () => {
  const build = await readFile('scripts/build.mjs', 'utf8');
  const ignore = await readFile('.vscodeignore', 'utf8');
  const bundles = [...build.matchAll(/outfile: '(dist\/[^']+)'/g)].map((match) => match[1]).filter((path) => !NOT_PACKAGED.has(path));
  assert.ok(bundles.includes('dist/extension.cjs') && bundles.includes('dist/parquetWorker.cjs'), `bundles found: ${bundles.join(', ')}`);
  const allowed = new Set(ignore.split('\n').filter((line) => line.startsWith('!')).map((line) => line.slice(1).trim()));
  const missing = bundles.filter((path) => !allowed.has(path));
  assert.deepEqual(missing, [], `.vscodeignore leaves out ${missing.join(', ')}`);
});
