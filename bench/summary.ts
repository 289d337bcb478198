import type { BenchCase } from './benchCases';
import type { ChildRun } from './runChild';

export type Engine = 'ours' | 'deltaRs' | 'deltaRsPyarrow';

export const ENGINE_LABELS: Record<Engine, string> = { ours: 'ours', deltaRs: 'delta-rs', deltaRsPyarrow: 'delta-rs (pyarrow)' };

/** Runs of each engine; deltaRsPyarrow is empty for loads, where both delta-rs readers are the same call. */
export type CaseResult = { benchCase: BenchCase; tablePath: string } & Record<Engine, ChildRun[]>;

export interface EngineSummary { ms: number; cpuMs: number; peakMiB: number; baselineMiB: number; processMs: number; files: number; rows?: number; filesRead?: number }

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] as number : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function summarise(runs: readonly ChildRun[]): EngineSummary {
  const last = runs.at(-1) as ChildRun;
  return {
    ms: median(runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    peakMiB: median(runs.map((r) => r.peakKiB)) / 1024,
    baselineMiB: median(runs.map((r) => r.baselineKiB)) / 1024,
    processMs: median(runs.map((r) => r.processMs)),
    files: last.files,
    ...(last.rows === undefined ? {} : { rows: last.rows }),
    ...(last.filesRead === undefined ? {} : { filesRead: last.filesRead }),
  };
}

/** Differences in what the two engines returned: a benchmark of different work measures nothing. */
export function disagreements(result: CaseResult): string[] {
  const out: string[] = [];
  const ours = summarise(result.ours);
  for (const engine of ['ours', 'deltaRs', 'deltaRsPyarrow'] as const) {
    const runs = result[engine];
    if (runs.length === 0) continue;
    const name = ENGINE_LABELS[engine];
    if (new Set(runs.map((r) => `${r.files}/${r.rows}`)).size > 1) out.push(`${name} returned different counts across runs`);
    if (engine === 'ours') continue;
    const theirs = summarise(runs);
    if (ours.files !== theirs.files) out.push(`active files: ours ${ours.files}, ${name} ${theirs.files}`);
    if (ours.rows !== theirs.rows) out.push(`rows: ours ${ours.rows}, ${name} ${theirs.rows}`);
  }
  return out;
}

/** The results table, one line per case, ratios as ours / delta-rs (below 1 means we are faster). */
export function formatTable(results: readonly CaseResult[]): string {
  const header = ['case', 'ours ms', 'delta-rs ms', 'ratio', 'cpu ms ours/delta-rs', 'ours peak MiB', 'delta-rs peak MiB', 'files read (ours/delta-rs)', 'rows', 'pyarrow ms / peak MiB'];
  const rows = results.map((result) => {
    const ours = summarise(result.ours);
    const theirs = summarise(result.deltaRs);
    const pyarrow = result.deltaRsPyarrow.length > 0 ? summarise(result.deltaRsPyarrow) : undefined;
    return [
      `(${result.benchCase.id}) ${result.benchCase.title}`,
      ours.ms.toFixed(0),
      theirs.ms.toFixed(0),
      `${(ours.ms / theirs.ms).toFixed(2)}x`,
      `${ours.cpuMs.toFixed(0)} / ${theirs.cpuMs.toFixed(0)}`,
      ours.peakMiB.toFixed(0),
      theirs.peakMiB.toFixed(0),
      ours.filesRead === undefined ? '-' : `${ours.filesRead} / ${theirs.filesRead} of ${ours.files}`,
      ours.rows === undefined ? `${ours.files} files` : String(ours.rows),
      pyarrow ? `${pyarrow.ms.toFixed(0)} / ${pyarrow.peakMiB.toFixed(0)}` : '-',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
