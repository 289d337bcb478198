import { formatBytes } from '../../util/formatBytes';
import type { SizeHistogram } from './optimizePlan';

const MIB = 1024 * 1024;
const UPPER_BOUNDS: Array<number | null> = [MIB / 4, MIB, 8 * MIB, 32 * MIB, 128 * MIB, 512 * MIB, null];

/** File counts per size class (the webview draws them as bars). */
export function sizeHistogram(before: readonly number[], after: readonly number[]): SizeHistogram {
  const count = (sizes: readonly number[]): number[] => {
    const counts = UPPER_BOUNDS.map(() => 0);
    for (const size of sizes) {
      const index = UPPER_BOUNDS.findIndex((bound) => bound === null || size < bound);
      counts[index] = (counts[index] ?? 0) + 1;
    }
    return counts;
  };
  const labels = UPPER_BOUNDS.map((bound, i) => {
    const previous = UPPER_BOUNDS[i - 1];
    if (bound === null) return `>= ${formatBytes(previous ?? 0)}`;
    return `< ${formatBytes(bound)}`;
  });
  return { upperBounds: [...UPPER_BOUNDS], labels, before: count(before), after: count(after) };
}
