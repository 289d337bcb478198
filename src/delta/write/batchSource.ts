import type { RecordBatch } from 'apache-arrow';

/** Input of a write: batches from a connector (async) or already in memory. */
export type BatchSource = AsyncIterable<RecordBatch> | Iterable<RecordBatch>;

export interface Peekable<T> extends AsyncIterable<T> {
  peek(): Promise<T | undefined>;
}

/** An iterable whose first item can be looked at before iterating (to learn the input schema). */
export function peekable<T>(source: AsyncIterable<T> | Iterable<T>): Peekable<T> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]());
  let head: Promise<IteratorResult<T>> | undefined;
  return {
    peek: async () => {
      head ??= iterator.next();
      const result = await head;
      return result.done ? undefined : result.value;
    },
    async *[Symbol.asyncIterator]() {
      if (head) {
        const result = await head;
        if (result.done) return;
        yield result.value;
      }
      for (;;) {
        const result = await iterator.next();
        if (result.done) return;
        yield result.value;
      }
    },
  };
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: async () => iterator.next() };
}
