import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { tableFromIPC, type Table } from 'apache-arrow';
import type { DecodeRequest, DecodeResponse, WorkerReady } from './parquetWorkerProtocol';
import { ParquetDecodeError } from './readParquet';

export interface PoolDecodeOptions {
  /** Top-level column names (matched case-insensitively); columns the file lacks are left out. All when omitted. */
  columns?: string[];
  rowGroups?: number[];
  batchSize?: number;
  /** Drops the request if it has not started yet (a scan that stopped early). */
  signal?: AbortSignal;
}

interface Task {
  request: DecodeRequest;
  signal: AbortSignal | undefined;
  resolve: (table: Table) => void;
  reject: (error: unknown) => void;
}

interface Slot { worker: Worker; task: Task | undefined; ready: boolean }

/**
 * Decodes Parquet in worker threads, so decoding uses every core and a wasm panic on a corrupt
 * page ends a worker, not the process: the request fails with ParquetDecodeError and the worker is
 * replaced. Idle workers are unref'd so they never keep a CLI process alive.
 */
export class ParquetWorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size = Math.min(2, availableParallelism())) {
    this.size = Math.max(1, size);
  }

  /** Decodes `bytes` (a whole Parquet file) into an Arrow table. Share the bytes first (shareBytes) so they reach the worker without a copy. */
  decode(bytes: Uint8Array, options: PoolDecodeOptions = {}): Promise<Table> {
    if (this.closed) return Promise.reject(new Error('The Parquet worker pool is closed.'));
    return new Promise<Table>((resolve, reject) => {
      const request: DecodeRequest = {
        id: this.nextId++,
        bytes,
        batchSize: options.batchSize ?? 65536,
        ...(options.columns ? { columns: options.columns } : {}),
        ...(options.rowGroups ? { rowGroups: options.rowGroups } : {}),
      };
      this.queue.push({ request, signal: options.signal, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every worker; pending requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('The Parquet worker pool is closed.'));
    await Promise.all(this.slots.splice(0).map((slot) => {
      slot.task?.reject(new Error('The Parquet worker pool is closed.'));
      return slot.worker.terminate();
    }));
  }

  private dispatch(): void {
    for (;;) {
      const task = this.nextLiveTask();
      if (!task) return;
      let slot = this.slots.find((s) => !s.task);
      if (!slot && this.slots.length < this.size) {
        try {
          slot = this.spawn();
        } catch (error) {
          // No worker file (an incomplete build): this request fails, the next ones try again.
          task.reject(error);
          continue;
        }
      }
      if (!slot) {
        this.queue.unshift(task);
        return;
      }
      slot.task = task;
      slot.worker.ref();
      // A new worker gets its request once loaded: its errors and messages come on different
      // channels, so an error is known to be the request's only when it was sent after "ready".
      if (slot.ready) slot.worker.postMessage(task.request);
    }
  }

  private nextLiveTask(): Task | undefined {
    for (;;) {
      const task = this.queue.shift();
      if (!task || !task.signal?.aborted) return task;
      task.reject(task.signal.reason);
    }
  }

  private spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, task: undefined, ready: false };
    worker.unref();
    worker.on('message', (response: DecodeResponse | WorkerReady) => {
      if ('ready' in response) {
        slot.ready = true;
        if (slot.task) worker.postMessage(slot.task.request);
        return;
      }
      const task = slot.task;
      slot.task = undefined;
      worker.unref();
      if (task) {
        if ('ipc' in response) task.resolve(tableFromIPC(response.ipc));
        else task.reject(new ParquetDecodeError(response.error));
      }
      this.dispatch();
    });
    // A wasm panic inside a promise job is an uncaught exception: it ends this worker only.
    const fail = (error: unknown): void => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      const task = slot.task;
      slot.task = undefined;
      const message = error instanceof Error ? error.message : String(error);
      task?.reject(slot.ready ? new ParquetDecodeError(message) : new Error(`The Parquet decoding worker could not start: ${message}`));
      void worker.terminate();
      if (!this.closed) this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The Parquet decoder stopped (exit code ${code}).`)));
    this.slots.push(slot);
    return slot;
  }
}

/** Copies bytes into shared memory once, so every request on them reaches a worker without a copy. */
export function shareBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

/** Below this size a file decodes in a few milliseconds: not worth a worker's start and the copies. */
const POOL_MIN_FILE_BYTES = 1 << 20;

/**
 * Whether reading `columns` of a file is worth the pool: only when they are a real subset of its
 * top-level columns (the pool's reader skips the others' chunks, the synchronous one decodes all)
 * and the file is not small. For every column the synchronous reader costs less: each worker pays
 * its own wasm warm-up and memory growth, and the result crosses as an IPC stream.
 */
export function worthThePool(fileColumns: readonly string[], columns: readonly string[], fileBytes: number): boolean {
  if (fileBytes < POOL_MIN_FILE_BYTES) return false;
  const wanted = new Set(columns.map((c) => c.toLowerCase()));
  return fileColumns.some((c) => !wanted.has(c.toLowerCase()));
}

let sharedPool: ParquetWorkerPool | undefined;

/** The process's pool (created on first use). */
export function parquetWorkerPool(): ParquetWorkerPool {
  sharedPool ??= new ParquetWorkerPool();
  return sharedPool;
}

/**
 * Starts dist/parquetWorker.cjs next to a bundle (the CLI, the extension), or the TypeScript source
 * through tsx's require hook (tests, benchmarks: `--import tsx` does not reach workers in Node 20).
 */
function startWorker(): Worker {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = createRequire(here).resolve('tsx/cjs/api');
    const source = join(dirname(here), 'parquetWorker.ts');
    return new Worker(`require(${JSON.stringify(tsx)}).require(${JSON.stringify(source)}, __filename);`, { eval: true });
  }
  const bundled = join(dirname(here), 'parquetWorker.cjs');
  if (!existsSync(bundled)) throw new Error(`The Parquet worker ${bundled} is missing next to ${here}; rebuild with npm run build.`);
  return new Worker(bundled);
}
