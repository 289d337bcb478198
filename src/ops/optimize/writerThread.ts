import type { Worker } from 'node:worker_threads';
import type { RecordBatch } from 'apache-arrow';
import { DeltaError } from '../../delta/errors';
import type { DataFileWriterOptions, WrittenFile } from '../../delta/write/dataFileWriter';
import { batchToIPC } from '../../parquet/parquetFileEncoder';
import { LocalFileStore } from '../../storage/localFileStore';
import { startModuleWorker } from '../../util/startModuleWorker';
import type { WorkerWriterOptions, WriterRequest, WriterResponse } from './writerWorkerProtocol';

/** What OutputFileSequence needs of a data file writer, on this thread or in the worker. */
export interface FileWriter {
  write(batch: RecordBatch): Promise<void>;
  finish(): Promise<WrittenFile[]>;
  /** Drops the open file and deletes the files written so far. */
  abort(): Promise<void>;
}

/**
 * IPC bytes one writer may have sent and the worker not yet taken (beyond MIN_BATCHES_IN_FLIGHT
 * batches): enough that this thread never waits for the worker while it is encoding one batch,
 * little next to a memory budget.
 */
const MAX_BYTES_IN_FLIGHT = 8 * 1024 * 1024;
const MIN_BATCHES_IN_FLIGHT = 2;
/** See ParquetWorkerPool: the worker's JavaScript keeps little alive, so a small young generation saves resident memory. */
const WORKER_YOUNG_GENERATION_MB = 4;

/**
 * A worker thread that writes data files with the engine's DataFileWriter (encoding, statistics,
 * the store's put) while the calling thread reads, joins or sorts the next rows: the two halves of
 * a rewrite on two cores. Only local tables (the worker opens its own LocalFileStore on the same
 * root). A writer's failure is raised by its next write or finish as the DeltaError the worker's
 * writer raised; the worker stopping fails every open writer.
 */
export class WriterThread {
  private readonly writers = new Map<number, WorkerFileWriter>();
  private nextId = 1;
  private stopped: DeltaError | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (response: WriterResponse) => this.writers.get(response.id)?.answer(response));
    const fail = (message: string): void => {
      this.stopped ??= new DeltaError('DELTA_PARQUET_ENCODE_FAILED', `The thread writing data files stopped: ${message}`);
      for (const writer of [...this.writers.values()]) writer.stopped(this.stopped);
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  /** A thread for a table on `store`, or undefined when the store is not local or the worker's bundle is missing (write on this thread then). */
  static start(store: DataFileWriterOptions['store']): WriterThread | undefined {
    if (!(store instanceof LocalFileStore)) return undefined;
    try {
      return new WriterThread(startModuleWorker(import.meta.url, 'writerWorker', (bundle) => new Error(`missing ${bundle}`),
        { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }));
    } catch {
      return undefined;
    }
  }

  /** A DataFileWriter with `options` (its store must be the local one the thread was started for) running in the worker. */
  open(options: Omit<DataFileWriterOptions, 'pool'>): FileWriter {
    const { store, signal, ...rest } = options;
    const writer = new WorkerFileWriter(this.nextId++, this, signal);
    if (this.stopped) {
      writer.stopped(this.stopped);
      return writer;
    }
    this.writers.set(writer.id, writer);
    this.send({ kind: 'open', id: writer.id, options: { ...rest, root: (store as LocalFileStore).root } satisfies WorkerWriterOptions });
    return writer;
  }

  /** Ends the worker; writers still open fail. */
  async close(): Promise<void> {
    this.stopped ??= new DeltaError('DELTA_PARQUET_ENCODE_FAILED', 'The thread writing data files was closed.');
    await this.worker.terminate();
  }

  /** @internal */
  send(request: WriterRequest): void {
    this.worker.postMessage(request, request.kind === 'batch' ? [request.ipc.buffer as ArrayBuffer] : []);
  }

  /** @internal The writer needs no more answers. */
  done(id: number): void {
    this.writers.delete(id);
  }
}

/** The calling thread's side of one DataFileWriter in the worker. */
class WorkerFileWriter implements FileWriter {
  /** IPC bytes of each batch the worker has not taken yet, oldest first. */
  private readonly sizes: number[] = [];
  private bytesInFlight = 0;
  private wake: Array<() => void> = [];
  private error: Error | undefined;
  private result: { resolve: (files: WrittenFile[]) => void; reject: (error: unknown) => void } | undefined;
  /** The worker will send nothing more for this writer (it finished, failed, or stopped). */
  private settled = false;
  private abortAnswered: (() => void) | undefined;
  private abortion: Promise<void> | undefined;
  private ended = false;

  constructor(readonly id: number, private readonly thread: WriterThread, private readonly signal: AbortSignal | undefined) {}

  async write(batch: RecordBatch): Promise<void> {
    this.check();
    if (batch.numRows === 0) return;
    const ipc = batchToIPC(batch);
    this.sizes.push(ipc.byteLength);
    this.bytesInFlight += ipc.byteLength;
    this.thread.send({ kind: 'batch', id: this.id, ipc });
    while (this.sizes.length > MIN_BATCHES_IN_FLIGHT && this.bytesInFlight > MAX_BYTES_IN_FLIGHT && !this.error) {
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
    this.check();
  }

  async finish(): Promise<WrittenFile[]> {
    this.check();
    this.ended = true;
    return await new Promise<WrittenFile[]>((resolve, reject) => {
      this.result = { resolve, reject };
      this.thread.send({ kind: 'finish', id: this.id });
    });
  }

  /** Also deletes the file of a finish still under way; a finished writer's files are the caller's to delete. */
  async abort(): Promise<void> {
    this.fail(new Error('The data file writer was aborted.'));
    if (this.settled) return;
    this.abortion ??= new Promise<void>((resolve) => {
      this.abortAnswered = resolve;
      this.thread.send({ kind: 'abort', id: this.id });
    });
    await this.abortion;
  }

  /** @internal */
  answer(response: WriterResponse): void {
    switch (response.kind) {
      case 'taken':
        this.bytesInFlight -= this.sizes.shift() ?? 0;
        this.wake.shift()?.();
        return;
      case 'finished':
        this.result?.resolve(response.files);
        this.result = undefined;
        this.settle(false);
        return;
      case 'failed':
        this.fail(new DeltaError(response.code ?? 'DELTA_PARQUET_ENCODE_FAILED', response.message));
        this.settle(false);
        return;
      case 'aborted':
        this.settle(true);
        return;
    }
  }

  /** @internal The worker stopped: nothing more will come for this writer. */
  stopped(error: DeltaError): void {
    this.fail(error);
    this.settle(true);
  }

  /** A pending abort still awaits its answer, unless `final`. */
  private settle(final: boolean): void {
    if (this.abortAnswered && !final) return;
    this.settled = true;
    this.thread.done(this.id);
    this.abortAnswered?.();
    this.abortAnswered = undefined;
  }

  private fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    for (const wake of this.wake.splice(0)) wake();
    this.result?.reject(error);
    this.result = undefined;
  }

  private check(): void {
    this.signal?.throwIfAborted();
    if (this.error) throw this.error;
    if (this.ended) throw new Error('This data file writer is finished.');
  }
}
