import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `name` that lives beside the caller (`callerUrl` is the caller's
 * import.meta.url). Bundled (the CLI, the extension: every CommonJS bundle gets its own URL through
 * scripts/importMetaUrl.mjs) that is dist/<name>.cjs, built beside the bundle; run from source
 * (tests, benchmarks) it is <name>.ts through tsx's require hook, because `--import tsx` does not
 * reach workers in Node 20. A missing bundle is reported through `missing`, in the caller's terms.
 */
export function startModuleWorker(callerUrl: string, name: string, missing: (bundle: string, caller: string) => Error, options?: WorkerOptions): Worker {
  const here = fileURLToPath(callerUrl);
  if (here.endsWith('.ts')) {
    const tsx = createRequire(here).resolve('tsx/cjs/api');
    const source = join(dirname(here), `${name}.ts`);
    return new Worker(`require(${JSON.stringify(tsx)}).require(${JSON.stringify(source)}, __filename);`, { ...options, eval: true });
  }
  const bundled = join(dirname(here), `${name}.cjs`);
  if (!existsSync(bundled)) throw missing(bundled, here);
  return new Worker(bundled, options);
}
