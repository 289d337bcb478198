/**
 * An iterable whose first item can be asked for before the loop that reads it begins. A
 * copy-on-write rewrite starts its second pass (every column) as soon as its first pass (the
 * predicate's columns) shows the file will be rewritten: the first row group then decodes in the
 * worker pool while the first pass still runs, instead of after it, with this thread waiting.
 */
export class EarlyStart<T> implements AsyncIterable<T> {
  private iterator: Iterator<T> | AsyncIterator<T> | undefined;
  private first: Promise<IteratorResult<T>> | undefined;

  constructor(private readonly source: Iterable<T> | AsyncIterable<T>) {}

  get started(): boolean {
    return this.first !== undefined;
  }

  /** Asks for the first item now (once). */
  start(): void {
    if (this.first) return;
    const iterator = Symbol.asyncIterator in this.source ? this.source[Symbol.asyncIterator]() : this.source[Symbol.iterator]();
    this.iterator = iterator;
    // A promise in either case; awaited by the loop, or dropped by stop() (never unhandled).
    const first = (async () => iterator.next())();
    first.catch(() => undefined);
    this.first = first;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    this.start();
    const iterator = this.iterator as Iterator<T> | AsyncIterator<T>;
    let result = await (this.first as Promise<IteratorResult<T>>);
    this.first = Promise.resolve({ done: true, value: undefined });
    try {
      while (!result.done) {
        yield result.value;
        result = await iterator.next();
      }
    } finally {
      if (!result.done) await iterator.return?.();
    }
  }

  /** Ends a started source that will not be read (its finally blocks run, its read-ahead is dropped). */
  async stop(): Promise<void> {
    if (!this.iterator) return;
    await this.first?.catch(() => undefined);
    await this.iterator.return?.();
  }
}
