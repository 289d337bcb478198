import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long synchronous work may hold the event loop before it yields (the extension host shares it). */
const DEFAULT_SLICE_MS = 10;

/**
 * Lets a long run of short synchronous steps (a local stat or footer read each) keep the event loop
 * responsive: `pause()` returns at once until the current slice has run `sliceMs`, then yields one
 * turn of the event loop so timers, I/O callbacks and UI messages get their turn.
 */
export class EventLoopSlicer {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = DEFAULT_SLICE_MS) {}

  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }
}
