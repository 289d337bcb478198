import { PerformanceObserver } from 'node:perf_hooks';
import { median } from '../summary';
import { mainThreadCpuMs } from './threadCpu';

/**
 * What the A/B tools of the writer (encoderAB.ts, rewriteAB.ts) share: loading one function of a
 * source tree, and measuring the trees' runs alternately in one process.
 */

/** Export `name` of `path` in the source tree at `tree` (a checkout's root), which must be a function. */
export async function exportOf<T>(tree: string, path: string, name: string): Promise<T> {
  const module: unknown = await import(`${tree}/${path}`);
  const value = typeof module === 'object' && module !== null ? (module as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'function') throw new Error(`${tree}/${path} has no ${name}`);
  return value as T;
}

/** One tree's measured runs. */
export interface TreeSamples { wall: number[]; main: number[]; cpu: number[]; gc: number[]; bytes: number }

/**
 * Runs `once(k)` for every tree k, `runs` rounds alternating, each after a full GC (with
 * --expose-gc) and a short settle: wall, main-thread CPU, process CPU (libuv's ZSTD threads
 * included) and GC pauses per run, and the bytes the last run wrote.
 */
export async function measureAlternating(trees: number, runs: number, once: (k: number) => Promise<number>): Promise<TreeSamples[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) gcMs += entry.duration; });
  observer.observe({ entryTypes: ['gc'] });
  const samples = Array.from({ length: trees }, (): TreeSamples => ({ wall: [], main: [], cpu: [], gc: [], bytes: 0 }));
  for (let run = 0; run < runs; run++) {
    for (const [k, sample] of samples.entries()) {
      gc?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
      gcMs = 0;
      const cpuBefore = process.cpuUsage();
      const mainBefore = mainThreadCpuMs();
      const started = performance.now();
      sample.bytes = await once(k);
      const cpu = process.cpuUsage(cpuBefore);
      sample.wall.push(performance.now() - started);
      sample.main.push(mainThreadCpuMs() - mainBefore);
      sample.cpu.push((cpu.user + cpu.system) / 1000);
      sample.gc.push(gcMs);
    }
  }
  observer.disconnect();
  return samples;
}

/** One line per tree: medians (and minimum CPU) of its runs, and the bytes written. */
export function printTreeSamples(trees: readonly string[], samples: readonly TreeSamples[]): void {
  for (const [k, tree] of trees.entries()) {
    const s = samples[k] as TreeSamples;
    process.stdout.write(`${tree}: main thread median ${median(s.main)} ms (min ${Math.min(...s.main)}), `
      + `process median ${median(s.cpu).toFixed(0)} ms (min ${Math.min(...s.cpu).toFixed(0)}), wall median ${median(s.wall).toFixed(0)} ms, `
      + `GC pauses median ${median(s.gc).toFixed(0)} ms, ${s.bytes} bytes (${(s.bytes / 2 ** 20).toFixed(2)} MiB)\n`);
  }
}
