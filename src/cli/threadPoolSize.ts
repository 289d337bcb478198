import { availableParallelism } from 'node:os';

/** libuv's default pool size, which Node keeps unless UV_THREADPOOL_SIZE says otherwise. */
const LIBUV_DEFAULT_THREADS = 4;

/**
 * How many libuv threads a CLI process wants on a machine with `cores` cores: one core fewer than
 * it has (the JS thread keeps one busy; the Parquet worker shares the rest), never more than libuv's
 * default. The pool runs the native ZSTD (de)compress calls and file reads; on two cores its default
 * four threads, the JS thread and the Parquet worker oversubscribe the cores, and the JS thread, the
 * critical path of a MERGE or DELETE rewrite, waits for a core (see bench/README.md, session 10).
 */
export function threadPoolSizeFor(cores: number): number {
  return Math.max(1, Math.min(LIBUV_DEFAULT_THREADS, cores - 1));
}

/**
 * Sizes libuv's pool for this process (threadPoolSizeFor), unless the user already set
 * UV_THREADPOOL_SIZE. libuv reads the variable once, when the pool first gets work: call this first
 * thing in a process entry (the CLI's, and the benchmark child that measures it), never from
 * library code, which cannot know whether the pool already started.
 */
export function sizeThreadPool(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): void {
  env.UV_THREADPOOL_SIZE ??= String(threadPoolSizeFor(cores));
}
