import { makeData, RecordBatch, Struct, type DataType, type Schema } from 'apache-arrow';
import { fromDataParts } from '../../arrow/transferableData';
import { DeltaError } from '../../delta/errors';
import { startModuleWorker } from '../../util/startModuleWorker';
import { isCopyWorkerMessage, type CopyWorkerCredit, type CopyWorkerJob, type CopyWorkerMessage } from './copyWorkerProtocol';

/**
 * The rows of a COPY, fetched and decoded in a worker thread (pgCopyWorker.ts) while the caller
 * works on the batches already delivered: the server keeps producing and the worker keeps
 * decoding while the writer encodes, instead of the three taking turns on one thread. At most
 * `job.readAhead` batches wait here. Ending the iteration early (or an abort) stops the worker,
 * which closes its connection.
 */
export async function* copyInWorker(job: CopyWorkerJob, schema: Schema, signal?: AbortSignal): AsyncGenerator<RecordBatch> {
  const worker = startModuleWorker(import.meta.url, 'pgCopyWorker', (bundle, caller) => new DeltaError('DELTA_IO_ERROR', `The COPY worker ${bundle} is missing next to ${caller}; reinstall the extension, or rebuild with npm run build.`), { workerData: job });
  const queue: CopyWorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const arrive = (): void => { wake?.(); wake = undefined; };
  worker.on('message', (message: unknown) => {
    if (isCopyWorkerMessage(message)) queue.push(message);
    arrive();
  });
  worker.on('error', (error: Error) => { failure ??= error; arrive(); });
  worker.on('exit', (code) => {
    failure ??= new DeltaError('SOURCE_QUERY_FAILED', `The COPY worker stopped (exit code ${code}) before the last row; run again.`);
    arrive();
  });
  const onAbort = (): void => arrive();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      signal?.throwIfAborted();
      const message = queue.shift();
      if (message === undefined) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => { wake = resolve; });
        continue;
      }
      if (message.kind === 'end') return;
      if (message.kind === 'error') throw new DeltaError(message.code, message.message);
      worker.postMessage({ kind: 'credit' } satisfies CopyWorkerCredit);
      const children = message.columns.map((column, i) => fromDataParts(schema.fields[i]?.type as DataType, column));
      // The reader's own schema object: the writer compares schemas by identity.
      yield new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: message.rows, nullCount: 0, children }));
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}
