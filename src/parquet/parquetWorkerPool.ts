import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { tableFromIPC, type RecordBatch, type Table } from 'apache-arrow';
import { batchToIPC, type ParquetEncoder } from './parquetFileEncoder';
import { ParquetDecodeError } from './parquetDecodeError';
import type { RowGroupRange } from './flatDecoder/rowGroupRange';
import type { DecodeFilesRequest, DecodeRangeRequest, DecodeRequest, WorkerRequest, WorkerResponse } from './parquetWorkerProtocol';
import { recyclable } from './flatDecoder/recycledBuffers';
import { fromTransferable } from './transferableTable';
import type { ParquetWriteOptions } from './writeParquet';
import { startModuleWorker } from '../util/startModuleWorker';

export interface PoolDecodeOptions {
  /** Top-level column names (matched case-insensitively); columns the file lacks are left out. All when omitted. */
  columns?: string[];
  rowGroups?: number[];
  batchSize?: number;
  /** Drops the request if it has not started yet (a scan that stopped early). */
  signal?: AbortSignal;
}

/** A pooled encode failed: the worker's encoder refused the data, or the worker stopped. */
export class ParquetEncodeError extends Error {
  override readonly name = 'ParquetEncodeError';
}

interface Task {
  request: DecodeRequest | DecodeFilesRequest | DecodeRangeRequest;
  signal: AbortSignal | undefined;
  resolve: (table: Table) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Messages for a worker that has not loaded yet. */
  outbox: Array<{ message: WorkerRequest; transfer: ArrayBuffer[] }>;
  /** The decode it runs (one at a time). */
  task: Task | undefined;
  sessions: Map<number, PooledParquetEncoder>;
  /** Answers awaited from it: while any is, the worker keeps the process alive. */
  awaited: number;
}

/**
 * How far one encode may run ahead of its worker: at least this many batches, and beyond that up
 * to MAX_BYTES_IN_FLIGHT of their IPC copies. The bytes bound is what lets the writer reach the end
 * of a file well before the worker has encoded it and encode the next file on its own thread
 * meanwhile (DataFileWriter, idleEncoder); it is also the most memory the queue holds.
 */
const MAX_BATCHES_IN_FLIGHT = 2;
const MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

/**
 * The young generation of a worker's V8 heap, in MiB. A worker's JavaScript allocates little that
 * lives (its data is in wasm memory and transferred buffers), so the default young generation
 * (up to 3 x 16 MiB, grown once and kept) is mostly resident memory for nothing: 4 MiB took 10-20 MiB
 * off the peak of a compaction with parallelDecode at no measurable CPU cost.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/**
 * Parquet decoding and encoding in worker threads, so they use a second core and overlap the
 * calling thread's work, and a wasm panic on a corrupt page ends a worker, not the process (the
 * request fails with ParquetDecodeError, an encode with ParquetEncodeError, and the worker is
 * replaced). A worker is unref'd while no answer from it is awaited, so it never keeps a CLI
 * process alive.
 */
export class ParquetWorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  /**
   * One worker per core beyond the calling thread's, at most two: the calling thread stays busy
   * (conforming, filtering, statistics), and each worker costs its own wasm instance and memory
   * (about 80-100 MiB once it has decoded or encoded a large file), so a third thread on two cores
   * would add memory without adding speed.
   */
  constructor(size = Math.min(2, availableParallelism() - 1)) {
    this.size = Math.max(1, size);
  }

  /**
   * Starts the pool's workers now, for a caller that will soon hand them work: a worker takes
   * about 0.3 s to load, which its first request would otherwise wait for. A worker that cannot
   * start is left to that request to report.
   */
  prestart(): void {
    try {
      // Unref'd again: spawn's listeners ref it, and an idle worker must not keep the process alive.
      while (!this.closed && this.slots.length < this.size) this.spawn().worker.unref();
    } catch {
      // No worker file (an incomplete build): the first request fails or falls back as usual.
    }
  }

  /** Decodes `bytes` (a whole Parquet file) into an Arrow table. Share the bytes first (shareBytes) so they reach the worker without a copy. */
  decode(bytes: Uint8Array, options: PoolDecodeOptions = {}): Promise<Table> {
    if (this.closed) return Promise.reject(new Error('The Parquet worker pool is closed.'));
    return new Promise<Table>((resolve, reject) => {
      const request: DecodeRequest = {
        kind: 'decode',
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

  /**
   * Decodes whole small Parquet files lying back to back in `bytes` (file i ends at `ends[i]`;
   * the buffer is transferred) into one table of all their rows (decodeJoined). Fails with
   * ParquetDecodeError when a file is unreadable or the files' schemas differ.
   */
  decodeFiles(bytes: Uint8Array, ends: number[]): Promise<Table> {
    if (this.closed) return Promise.reject(new Error('The Parquet worker pool is closed.'));
    return new Promise<Table>((resolve, reject) => {
      this.queue.push({ request: { kind: 'decodeFiles', id: this.nextId++, bytes, ends }, signal: undefined, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Decodes `range` (rowGroupRange) from `bytes`, the file's bytes over it (transferred: unusable
   * here afterwards), with the flat decoder in a worker; the decoded buffers come back moved, not
   * copied. Fails with ParquetDecodeError on a corrupt page or when the flat decoder turns the
   * group down (read it otherwise then). `recycled`: the caller hands the table back with
   * recycleTable once done with it (see DecodeRangeRequest.recycled).
   */
  decodeRange(range: RowGroupRange, bytes: Uint8Array, batchSize: number, recycled = true): Promise<Table> {
    if (this.closed) return Promise.reject(new Error('The Parquet worker pool is closed.'));
    // Only a buffer of its own moves: a view into a larger one is copied out first. Shared memory
    // is shared as it is (the caller may reuse it once the decode settles).
    const own = bytes.buffer instanceof SharedArrayBuffer || (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) ? bytes : bytes.slice();
    return new Promise<Table>((resolve, reject) => {
      this.queue.push({ request: { kind: 'decodeRange', id: this.nextId++, range, bytes: own, batchSize, recycled }, signal: undefined, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * An encoder of one Parquet file whose batches are encoded in a worker: `write` returns once the
   * batch is on its way (at most MAX_BATCHES_IN_FLIGHT wait), so the caller prepares the next one
   * meanwhile. An encode goes to the running worker with the fewest open encodes (a worker is
   * started only when none runs), and decodes prefer workers without encodes.
   */
  encoder(options: ParquetWriteOptions = {}): ParquetEncoder {
    if (this.closed) throw new Error('The Parquet worker pool is closed.');
    const slot = this.slots.reduce<Slot | undefined>((best, s) => (!best || s.sessions.size < best.sessions.size ? s : best), undefined) ?? this.spawn();
    return this.openEncoder(slot, options);
  }

  /**
   * An encoder in a worker that encodes no other file (started if the pool is below its size), or
   * undefined when every worker already encodes one: the caller then encodes on its own thread, so
   * two files are encoded at once, one per core, instead of queueing behind each other.
   */
  idleEncoder(options: ParquetWriteOptions = {}): ParquetEncoder | undefined {
    if (this.closed) throw new Error('The Parquet worker pool is closed.');
    const slot = this.slots.find((s) => s.sessions.size === 0) ?? (this.slots.length < this.size ? this.spawn() : undefined);
    return slot ? this.openEncoder(slot, options) : undefined;
  }

  private openEncoder(slot: Slot, options: ParquetWriteOptions): ParquetEncoder {
    const encoder = new PooledParquetEncoder(this.nextId++, slot, this);
    slot.sessions.set(encoder.id, encoder);
    this.send(slot, { kind: 'encodeOpen', id: encoder.id, options });
    return encoder;
  }

  /** Ends every worker; pending requests and open encoders fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('The Parquet worker pool is closed.'));
    await Promise.all(this.slots.splice(0).map((slot) => {
      slot.task?.reject(new Error('The Parquet worker pool is closed.'));
      for (const session of slot.sessions.values()) session.failed(new ParquetEncodeError('The Parquet worker pool is closed.'));
      return slot.worker.terminate();
    }));
  }

  /** @internal Posts to a worker, or keeps the message until it has loaded. */
  send(slot: Slot, message: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    if (slot.ready) slot.worker.postMessage(message, transfer);
    else slot.outbox.push({ message, transfer });
  }

  /** @internal One more answer awaited from `slot` (true) or one fewer (false). */
  await(slot: Slot, more: boolean): void {
    slot.awaited += more ? 1 : -1;
    if (slot.awaited === 0) slot.worker.unref();
    else if (more && slot.awaited === 1) slot.worker.ref();
  }

  private dispatch(): void {
    for (;;) {
      const task = this.nextLiveTask();
      if (!task) return;
      // An idle worker without encodes first, then a new one, then one that also encodes.
      let slot = this.slots.find((s) => !s.task && s.sessions.size === 0);
      if (!slot && this.slots.length < this.size) {
        try {
          slot = this.spawn();
        } catch (error) {
          // No worker file (an incomplete build): this request fails, the next ones try again.
          task.reject(error);
          continue;
        }
      }
      slot ??= this.slots.find((s) => !s.task);
      if (!slot) {
        this.queue.unshift(task);
        return;
      }
      slot.task = task;
      this.await(slot, true);
      const moved = task.request.kind === 'decodeFiles' || task.request.kind === 'decodeRange' ? task.request.bytes.buffer : undefined;
      this.send(slot, task.request, moved instanceof ArrayBuffer ? [moved] : []);
    }
  }

  /**
   * A moved table whose column buffers go back to the worker that decoded it, for its next decodes,
   * when the caller recycles the table (recycleTable): the worker then reuses warm memory.
   */
  private recyclableTable(slot: Slot, moved: Parameters<typeof fromTransferable>[0], buffers: ArrayBufferLike[]): Table {
    const table = fromTransferable(moved);
    if (buffers.length === 0) return table;
    return recyclable(table, () => {
      // A buffer moved elsewhere meanwhile is detached (empty): it cannot move again.
      const movable = buffers.filter((buffer) => buffer.byteLength > 0);
      // Shared buffers go back shared: a transfer list refuses them.
      const transfer = movable.filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
      if (this.slots.includes(slot) && slot.ready && movable.length > 0) this.send(slot, { kind: 'recycle', buffers: movable }, transfer);
    });
  }

  private nextLiveTask(): Task | undefined {
    for (;;) {
      const task = this.queue.shift();
      if (!task || !task.signal?.aborted) return task;
      task.reject(task.signal.reason);
    }
  }

  private spawn(): Slot {
    const worker = startModuleWorker(import.meta.url, 'parquetWorker', (bundle, caller) => new Error(`The Parquet worker ${bundle} is missing next to ${caller}; rebuild with npm run build.`),
      { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    const slot: Slot = { worker, ready: false, outbox: [], task: undefined, sessions: new Map(), awaited: 0 };
    worker.unref();
    worker.on('message', (response: WorkerResponse) => this.answer(slot, response));
    // A wasm panic inside a promise job is an uncaught exception: it ends this worker only.
    const fail = (error: unknown): void => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      const message = error instanceof Error ? error.message : String(error);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(slot.ready ? new ParquetDecodeError(message) : new Error(`The Parquet worker could not start: ${message}`));
      for (const session of slot.sessions.values()) {
        session.failed(new ParquetEncodeError(`The Parquet worker encoding this file stopped: ${message}`));
      }
      slot.sessions.clear();
      void worker.terminate();
      if (!this.closed) this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The Parquet worker stopped (exit code ${code}).`)));
    this.slots.push(slot);
    return slot;
  }

  private answer(slot: Slot, response: WorkerResponse): void {
    switch (response.kind) {
      case 'ready':
        // A new worker gets its messages once loaded: its errors and messages come on different
        // channels, so an error is known to be a request's only when it was sent after "ready".
        slot.ready = true;
        for (const { message, transfer } of slot.outbox.splice(0)) slot.worker.postMessage(message, transfer);
        return;
      case 'decoded':
      case 'decodedMoved':
      case 'decodeFailed': {
        const task = slot.task;
        slot.task = undefined;
        this.await(slot, false);
        if (task) {
          if (response.kind === 'decoded') task.resolve(tableFromIPC(response.ipc));
          else if (response.kind === 'decodedMoved') task.resolve(this.recyclableTable(slot, response.table, response.recyclable));
          else task.reject(new ParquetDecodeError(response.error));
        }
        this.dispatch();
        return;
      }
      case 'encodeTaken':
        slot.sessions.get(response.id)?.taken();
        return;
      case 'encoded':
        slot.sessions.get(response.id)?.encoded(response.bytes);
        slot.sessions.delete(response.id);
        return;
      case 'encodeFailed':
        slot.sessions.get(response.id)?.failed(new ParquetEncodeError(response.error));
        slot.sessions.delete(response.id);
        return;
    }
  }
}

/** The calling thread's side of one encode in a worker (see ParquetWorkerPool.encoder). */
class PooledParquetEncoder implements ParquetEncoder {
  private inFlight = 0;
  /** IPC bytes of each batch in flight, oldest first (the worker takes them in order). */
  private readonly sizes: number[] = [];
  private bytesInFlight = 0;
  private written = 0;
  private wake: Array<() => void> = [];
  private error: ParquetEncodeError | undefined;
  private result: { resolve: (bytes: Uint8Array) => void; reject: (error: unknown) => void } | undefined;
  private ended = false;

  constructor(readonly id: number, private readonly slot: Slot, private readonly pool: ParquetWorkerPool) {}

  async write(batch: RecordBatch): Promise<void> {
    this.throwIfFailed();
    if (batch.numRows === 0) return;
    const ipc = batchToIPC(batch);
    this.inFlight++;
    this.sizes.push(ipc.byteLength);
    this.bytesInFlight += ipc.byteLength;
    this.written++;
    this.pool.await(this.slot, true);
    this.pool.send(this.slot, { kind: 'encodeBatch', id: this.id, ipc }, [ipc.buffer as ArrayBuffer]);
    while (this.inFlight > MAX_BATCHES_IN_FLIGHT && this.bytesInFlight > MAX_BYTES_IN_FLIGHT && !this.error) {
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
    this.throwIfFailed();
  }

  async finish(): Promise<Uint8Array> {
    this.throwIfFailed();
    if (this.written === 0) throw new RangeError('A Parquet encoder needs at least one non-empty batch (it takes the schema from it).');
    this.ended = true;
    return await new Promise<Uint8Array>((resolve, reject) => {
      this.result = { resolve, reject };
      this.pool.await(this.slot, true);
      this.pool.send(this.slot, { kind: 'encodeFinish', id: this.id });
    });
  }

  abort(): void {
    if (this.error) return;
    this.failed(new ParquetEncodeError('The Parquet encode was aborted.'));
    this.slot.sessions.delete(this.id);
    this.pool.send(this.slot, { kind: 'encodeAbort', id: this.id });
  }

  /** @internal The worker's encoder took a batch. */
  taken(): void {
    this.inFlight--;
    this.bytesInFlight -= this.sizes.shift() ?? 0;
    this.pool.await(this.slot, false);
    this.wake.shift()?.();
  }

  /** @internal The finished file. */
  encoded(bytes: Uint8Array): void {
    this.pool.await(this.slot, false);
    this.result?.resolve(bytes);
    this.result = undefined;
  }

  /** @internal The encode cannot go on; no answer will come for what is in flight. */
  failed(error: ParquetEncodeError): void {
    if (this.error) return;
    this.error = error;
    for (let i = 0; i < this.inFlight + (this.result ? 1 : 0); i++) this.pool.await(this.slot, false);
    this.inFlight = 0;
    this.sizes.length = 0;
    this.bytesInFlight = 0;
    for (const wake of this.wake.splice(0)) wake();
    this.result?.reject(error);
    this.result = undefined;
  }

  private throwIfFailed(): void {
    if (this.error) throw this.error;
    if (this.ended) throw new Error('This Parquet encoder is finished.');
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

/** Below this many Arrow bytes in its first batch a file is small: encoding it costs less than a worker's start. */
const POOL_MIN_ENCODE_BYTES = 1 << 20;

/** Whether a file whose first batch holds `batchBytes` of Arrow data is worth encoding in the pool. */
export function worthEncodingInThePool(batchBytes: number): boolean {
  return batchBytes >= POOL_MIN_ENCODE_BYTES;
}

let sharedPool: ParquetWorkerPool | undefined;

/** The process's pool (created on first use). */
export function parquetWorkerPool(): ParquetWorkerPool {
  sharedPool ??= new ParquetWorkerPool();
  return sharedPool;
}
