import type { RecordBatch } from 'apache-arrow';
import type { CopyWorker } from './copyInWorker';

/**
 * The batches of several COPY workers (each over its own key range of one snapshot) in the order
 * they arrive: a snapshot's rows have no order to keep. Each worker runs ahead by its own credits.
 * A failure of one, or the consumer stopping early, stops them all.
 */
export async function* mergeCopyWorkers(workers: readonly CopyWorker[]): AsyncGenerator<RecordBatch> {
  type Next = { index: number; result: IteratorResult<RecordBatch> };
  const ask = (index: number): Promise<Next> => (workers[index] as CopyWorker).batches.next().then((result) => ({ index, result }));
  const pending = new Map<number, Promise<Next>>(workers.map((_, index) => [index, ask(index)]));
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pending.set(index, ask(index));
      yield result.value;
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    // Stopped workers fail their outstanding next(): settled here, not left unhandled.
    await Promise.allSettled(pending.values());
  }
}
