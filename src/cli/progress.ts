import type { ProgressCallback } from '../util/progress';

/** The `(done, total, message)` callback every long operation takes (see ARCHITECTURE.md). */
export type ProgressReporter = ProgressCallback;

/** The part of a stream (normally `process.stderr`) a progress bar needs. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export interface ProgressOptions {
  /** Redraws closer together than this are skipped, except the final one. */
  minIntervalMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 20;
const CLEAR_TO_END = '\x1b[K';

/**
 * A one-line progress bar redrawn in place with `\r`, only when `stream` is a terminal: piped or
 * redirected stderr gets nothing, so logs and scripts never see control characters. The line is
 * cleared when done reaches total, leaving the terminal clean for the command's own output.
 */
export function createProgressReporter(stream: ProgressStream, options: ProgressOptions = {}): ProgressReporter {
  if (!stream.isTTY) return () => undefined;
  const minIntervalMs = options.minIntervalMs ?? 100;
  const now = options.now ?? Date.now;
  let lastDraw: number | undefined;
  return (done, total, message) => {
    const finished = total > 0 && done >= total;
    if (finished) {
      stream.write(`\r${CLEAR_TO_END}`);
      lastDraw = undefined;
      return;
    }
    const time = now();
    if (lastDraw !== undefined && time - lastDraw < minIntervalMs) return;
    lastDraw = time;
    // One column short of the width: writing into the last column wraps on some terminals,
    // and a wrapped line can no longer be redrawn with `\r`.
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r${fit(progressLine(done, total, message), width)}${CLEAR_TO_END}`);
  };
}

/** `[#####---------------]  25% 1/4 message`, or `1 message` when the total is unknown. */
export function progressLine(done: number, total: number, message: string): string {
  if (!(total > 0) || !Number.isFinite(total)) return message ? `${done} ${message}` : String(done);
  const ratio = Math.min(1, Math.max(0, done / total));
  const filled = Math.floor(ratio * BAR_WIDTH);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent} ${done}/${total}`;
  return message ? `${line} ${message}` : line;
}

function fit(line: string, width: number): string {
  const chars = Array.from(line);
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}
