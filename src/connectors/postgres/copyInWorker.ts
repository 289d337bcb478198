import type { Worker } from 'node:worker_threads';
import { makeData, RecordBatch, Struct, type DataType, type Schema } from 'apache-arrow';
import { fromDataParts } from '../../arrow/transferableData';
import { DeltaError } from '../../delta/errors';
import type { WrittenFile } from '../../delta/write/dataFileWriter';
import { startModuleWorker } from '../../util/startModuleWorker';
import { isCopyWorkerMessage, type CopyWorkerCredit, type CopyWorkerJob, type CopyWorkerMessage } from './copyWorkerProtocol';
import { withInitialHeap } from './workerInitialHeap';

/**
 * The COPY worker's first heap: the smallest that ran the 5M-row bench snapshot without one full
 * mark-compact in the worker (32 MiB: 22 of them; none at 64), with the same peak memory.
 */
const WORKER_INITIAL_HEAP_MB = 64;

/**
 * Starts the COPY worker (pgCopyWorker.ts) and waits until its own session holds the reader's
 * exported snapshot. Undefined, with the worker stopped and no row read, when the server refuses
 * that second session or it has not imported the snapshot within `patienceMs` of connecting: a
 * server that serves one session at a time (PGlite queues every other connection's queries while
 * the reader's transaction is open) would otherwise make it wait forever. The caller then reads
 * the rows in its own session.
 */
export async function startCopyWorker(job: CopyWorkerJob, schema: Schema, patienceMs: number, signal?: AbortSignal): Promise<CopyWorker | undefined> {
  const worker = withInitialHeap(WORKER_INITIAL_HEAP_MB, () => startModuleWorker(import.meta.url, 'pgCopyWorker', (bundle, caller) => new DeltaError('DELTA_IO_ERROR', `The COPY worker ${bundle} is missing next to ${caller}; reinstall the extension, or rebuild with npm run build.`), { workerData: job }));
  const inbox = new WorkerInbox(worker, signal);
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      const message = await inbox.next(() => timer !== undefined && inbox.patienceOver);
      if (message === undefined || message.kind === 'error') {
        await inbox.stop();
        return undefined;
      }
      if (message.kind === 'connecting') timer = setTimeout(() => inbox.losePatience(), patienceMs);
      if (message.kind === 'ready') break;
    }
  } catch (error) {
    await inbox.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { batches: copiedBatches(inbox, worker, schema), files: (onRows) => writtenFiles(inbox, onRows), stop: () => inbox.stop() };
}

/**
 * A started COPY worker: its batches, or (started with `job.files`) the data files it wrote, and
 * stop() for a worker whose batches are never iterated (or to cut one short).
 */
export interface CopyWorker {
  batches: AsyncGenerator<RecordBatch>;
  /** The files of a worker started with `job.files`, once it has written its last row; `onRows` as rows go into them. */
  files(onRows: (rows: number) => void): Promise<WrittenFile[]>;
  stop(): Promise<void>;
}

/** The worker's files once it ends; a failure (or an abort) stops it, leaving what it wrote for VACUUM. */
async function writtenFiles(inbox: WorkerInbox, onRows: (rows: number) => void): Promise<WrittenFile[]> {
  let files: WrittenFile[] | undefined;
  try {
    for (;;) {
      const message = await inbox.next(() => false);
      if (message?.kind === 'end' && files) return files;
      if (message === undefined || message.kind === 'end') throw new DeltaError('SOURCE_QUERY_FAILED', 'The COPY worker ended without its data files; run again.');
      if (message.kind === 'error') throw new DeltaError(message.code, message.message);
      if (message.kind === 'written') onRows(message.rows);
      if (message.kind === 'files') files = message.files;
    }
  } finally {
    await inbox.stop();
  }
}

/**
 * The worker's batches as they arrive, at most `job.readAhead` waiting here. Ending the iteration
 * early (or an abort) stops the worker, which closes its connection.
 */
async function* copiedBatches(inbox: WorkerInbox, worker: Worker, schema: Schema): AsyncGenerator<RecordBatch> {
  try {
    for (;;) {
      const message = await inbox.next(() => false);
      if (message === undefined || message.kind === 'end') return;
      if (message.kind === 'error') throw new DeltaError(message.code, message.message);
      if (message.kind !== 'batch') continue;
      worker.postMessage({ kind: 'credit' } satisfies CopyWorkerCredit);
      const children = message.columns.map((column, i) => fromDataParts(schema.fields[i]?.type as DataType, column));
      // The reader's own schema object: the writer compares schemas by identity.
      yield new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: message.rows, nullCount: 0, children }));
    }
  } finally {
    await inbox.stop();
  }
}

/** The worker's messages in order, its failure (a stop before `end`) and the caller's abort. */
class WorkerInbox {
  private readonly queue: CopyWorkerMessage[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  patienceOver = false;
  private readonly onAbort = (): void => this.arrive();
  private readonly onExit = (code: number): void => {
    this.failure ??= new DeltaError('SOURCE_QUERY_FAILED', `The COPY worker stopped (exit code ${code}) before the last row; run again.`);
    this.arrive();
  };
  private stopped: Promise<void> | undefined;

  constructor(private readonly worker: Worker, private readonly signal: AbortSignal | undefined) {
    worker.on('message', (message: unknown) => {
      if (isCopyWorkerMessage(message)) this.queue.push(message);
      this.arrive();
    });
    worker.on('error', (error: Error) => { this.failure ??= error; this.arrive(); });
    worker.on('exit', this.onExit);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  losePatience(): void {
    this.patienceOver = true;
    this.arrive();
  }

  /** The next message; undefined when `giveUp()` holds before one arrives. */
  async next(giveUp: () => boolean): Promise<CopyWorkerMessage | undefined> {
    for (;;) {
      this.signal?.throwIfAborted();
      const message = this.queue.shift();
      if (message !== undefined) return message;
      if (this.failure) throw this.failure;
      if (giveUp()) return undefined;
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }

  /**
   * Ends the worker; a next() still waiting then fails instead of waiting forever. Once: a second
   * caller (the merge and each stream stop the same worker) waits for the same exit.
   */
  stop(): Promise<void> {
    this.stopped ??= this.terminate();
    return this.stopped;
  }

  private async terminate(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    // Only this inbox's listener: terminate() waits for the same 'exit' event with its own.
    this.worker.off('exit', this.onExit);
    this.failure ??= new DeltaError('SOURCE_QUERY_FAILED', 'The COPY worker was stopped before the last row.');
    this.arrive();
    await this.worker.terminate();
  }

  private arrive(): void {
    this.wake?.();
    this.wake = undefined;
  }
}
