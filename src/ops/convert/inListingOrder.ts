/**
 * Hands values to `emit` in index order, whatever order they arrive in: footers read concurrently
 * from a store finish out of order, and the commit lists files in listing order all the same. Only
 * values that arrive before an earlier one wait here.
 */
export class InListingOrder<T> {
  private next = 0;
  private readonly early = new Map<number, T>();

  constructor(private readonly emit: (value: T) => void) {}

  put(index: number, value: T): void {
    if (index !== this.next) {
      this.early.set(index, value);
      return;
    }
    this.emit(value);
    for (let waiting = this.early.get(++this.next); waiting !== undefined; waiting = this.early.get(++this.next)) {
      this.early.delete(this.next);
      this.emit(waiting);
    }
  }

  /** Values emitted so far: every index below it has arrived. */
  get emitted(): number {
    return this.next;
  }
}
