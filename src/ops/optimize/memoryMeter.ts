/**
 * Counts the Arrow bytes an operation holds (buffers waiting to be sorted, spilled or encoded) and
 * remembers the peak: the figure the memory budget is about, measured the same way on every run,
 * unlike RSS, which also holds the runtime, WebAssembly memory and garbage not yet collected.
 */
export class MemoryMeter {
  private current = 0;
  private highest = 0;

  hold(bytes: number): void {
    this.current += bytes;
    if (this.current > this.highest) this.highest = this.current;
  }

  release(bytes: number): void {
    this.current = Math.max(0, this.current - bytes);
  }

  get held(): number {
    return this.current;
  }

  get peak(): number {
    return this.highest;
  }
}
