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
 * Commands that keep libuv's default pool: a PostgreSQL snapshot (COPY worker, encoding, ZSTD and
 * file writes overlapping) reached 65% of the raw COPY rate with one pool thread on 2 cores against
 * 73% with four (bench:postgres, 2M rows, alternating runs, session 10).
 */
const DEFAULT_POOL_COMMANDS: ReadonlySet<string> = new Set(['ingest', 'pipeline']);

/**
 * Sizes libuv's pool for this process (threadPoolSizeFor) when it runs `command` (the CLI's first
 * argument), unless the user already set UV_THREADPOOL_SIZE or the command keeps the default pool.
 * libuv reads the variable once, when the pool first gets work: call this first thing in a process
 * entry (the CLI's, and the benchmark child that measures it), never from library code, which
 * cannot know whether the pool already started.
 */
export function sizeThreadPool(command: string | undefined, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): void {
  if (command !== undefined && DEFAULT_POOL_COMMANDS.has(command)) return;
  env.UV_THREADPOOL_SIZE ??= String(threadPoolSizeFor(cores));
}
