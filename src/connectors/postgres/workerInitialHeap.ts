import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/** V8's flag for the heap a new isolate starts with (MiB); 0, its default, leaves the size to V8. */
const FLAG = '--initial-heap-size';

let starting = 0;

/**
 * Starts a worker (`start`) whose V8 heap begins at `megabytes` instead of V8's few MiB. A COPY
 * worker keeps a heap of about 10 MiB while some 100 MiB of socket chunks and Arrow buffers pass
 * through it per million rows: from that small a start V8 ran a full mark-compact every few MiB of
 * them (about 50 per 5M bench rows), which took about a tenth of the snapshot's CPU (measured in
 * bench/README.md, PostgreSQL). The heap is configured when the thread creates its isolate, which
 * has happened once the worker is `online`: the flag, process-wide, is then put back (to the
 * command line's value, else V8's default), so no other isolate of the process (another
 * extension's worker in the extension host) starts larger unless it starts meanwhile.
 */
export function withInitialHeap(megabytes: number, start: () => Worker, setFlags: (flags: string) => void = setFlagsFromString, runtime: NodeJS.ProcessVersions = process.versions): Worker {
  // An embedder's V8 may freeze its flags once initialized, and then a change is a fatal error, not
  // an exception (nw.js: "Check failed: !IsFrozen()"). Node unfreezes them for this API; whether
  // Electron (VS Code's extension host) does depends on its version, and a crash there would take
  // every extension down: there the worker starts as it is.
  if (runtime.electron !== undefined) return start();
  setFlags(`${FLAG}=${megabytes}`);
  starting++;
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    if (--starting === 0) setFlags(`${FLAG}=${commandLineValue()}`);
  };
  try {
    const worker = start();
    worker.once('online', restore);
    worker.once('exit', restore);
    return worker;
  } catch (error) {
    restore();
    throw error;
  }
}

/** The flag's value given to node itself (its arguments or NODE_OPTIONS), else 0. */
function commandLineValue(): string {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].filter((arg) => arg.startsWith(`${FLAG}=`) || arg.startsWith(`--initial_heap_size=`));
  return given.at(-1)?.split('=')[1] ?? '0';
}
