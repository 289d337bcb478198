/**
 * How long a test running writerProcess.ts children may take. Each child starts node with tsx and
 * loads the engine: a second or two on a quiet machine, ten and more at CI's load (another suite on
 * the same two cores), and the crash test starts fourteen of them one round after another.
 */
export const WRITERS_TIMEOUT_MS = 10 * 60_000;
