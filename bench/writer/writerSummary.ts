import { median } from '../summary';
import type { CommitFiles } from './lastCommit';
import type { Contender, WriterCase } from './writerCases';
import type { WriterChildResult } from './writerJob';

export type WriterRun = WriterChildResult & {
  /** Spawn to exit: runtime start-up and input generation included. */
  processMs: number;
  /** The result table counted by the other engine. */
  check: { rows: number; matching: number };
  /** The operation's commit, from the log. */
  commit: CommitFiles;
};

export interface WriterCaseResult { writerCase: WriterCase; runs: Map<Contender, WriterRun[]> }

export interface ContenderSummary {
  ms: number;
  cpuMs: number;
  /** Median main-thread CPU ms, where the child reports it (ours). */
  mainCpuMs: number | undefined;
  peakMiB: number;
  baselineMiB: number;
  commit: CommitFiles;
  rowsAfter: number;
}

export function summariseRuns(runs: readonly WriterRun[]): ContenderSummary {
  const last = runs.at(-1) as WriterRun;
  return {
    ms: median(runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    mainCpuMs: runs.every((r) => r.mainCpuMs !== undefined) ? median(runs.map((r) => r.mainCpuMs ?? 0)) : undefined,
    peakMiB: median(runs.map((r) => r.peakKiB)) / 1024,
    baselineMiB: median(runs.map((r) => r.baselineKiB)) / 1024,
    commit: last.commit,
    rowsAfter: last.check.rows,
  };
}

/** Every run against the expected counts: a benchmark of different work measures nothing. */
export function writerDisagreements(result: WriterCaseResult): string[] {
  const { expected } = result.writerCase;
  const out: string[] = [];
  for (const [contender, runs] of result.runs) {
    runs.forEach((run, i) => {
      const at = `${contender.label}, run ${i + 1}`;
      if (run.check.rows !== expected.rows) out.push(`${at}: the other engine reads ${run.check.rows} rows, expected ${expected.rows}`);
      if (run.check.matching !== expected.matching) {
        out.push(`${at}: the other engine reads ${run.check.matching} rows where ${expected.where}, expected ${expected.matching}`);
      }
      for (const [key, value] of Object.entries(expected.affected)) {
        const reported = run[key as keyof typeof expected.affected];
        if (reported !== undefined && reported !== value) out.push(`${at}: reports ${key} ${reported}, expected ${value}`);
      }
    });
  }
  return out;
}

/**
 * One line per ours contender against delta-rs (ratio below 1: we are faster), twice: against
 * delta-rs with its default codec (Snappy for write and MERGE) and against delta-rs with ours'
 * codec (the `sameCodec` contender; where a case has none, its default run when that wrote our
 * codec, as its DELETE does). Only the second is like for like: ZSTD costs more CPU than Snappy.
 */
export function formatWriterTable(results: readonly WriterCaseResult[]): string {
  const header = ['case', 'wall ms ours / rs / rs same codec', 'wall ratio default | same', 'cpu ms ours / rs / rs same codec',
    'cpu ratio default | same', 'main-thread cpu ms ours', 'peak MiB ours / rs / rs same', 'peak ratio default | same', 'input MiB ours / rs', 'files +/- ours | rs | rs same',
    'new MiB ours / rs / rs same', 'codec ours / rs / rs same', 'rows after'];
  const rows: string[][] = [];
  for (const result of results) {
    const peers = [...result.runs.entries()].filter(([c, runs]) => c.engine === 'deltaRs' && runs.length > 0);
    const byDefault = peers.find(([c]) => !c.sameCodec);
    if (!byDefault) continue;
    const theirs = summariseRuns(byDefault[1]);
    for (const [contender, runs] of result.runs) {
      if (contender.engine !== 'ours' || runs.length === 0) continue;
      const ours = summariseRuns(runs);
      const explicit = peers.find(([c]) => c.sameCodec);
      const same = explicit ? summariseRuns(explicit[1]) : theirs.commit.codec === ours.commit.codec ? theirs : undefined;
      const three = (f: (s: ContenderSummary) => string): string => `${f(ours)} / ${f(theirs)} / ${same ? f(same) : '-'}`;
      const ratio = (f: (s: ContenderSummary) => number): string =>
        `${(f(ours) / f(theirs)).toFixed(2)}x | ${same ? `${(f(ours) / f(same)).toFixed(2)}x` : '-'}`;
      const files = (s: ContenderSummary): string => `+${s.commit.filesAdded}/-${s.commit.filesRemoved}`;
      rows.push([
        `${result.writerCase.title}${contender.label === 'ours' ? '' : ` (${contender.label.replace(/^ours, /, '')})`}`,
        three((s) => s.ms.toFixed(0)),
        ratio((s) => s.ms),
        three((s) => s.cpuMs.toFixed(0)),
        ratio((s) => s.cpuMs),
        ours.mainCpuMs === undefined ? '-' : ours.mainCpuMs.toFixed(0),
        three((s) => s.peakMiB.toFixed(0)),
        ratio((s) => s.peakMiB),
        `${ours.baselineMiB.toFixed(0)} / ${theirs.baselineMiB.toFixed(0)}`,
        `${files(ours)} | ${files(theirs)} | ${same ? files(same) : '-'}`,
        three((s) => (s.commit.bytesAdded / 2 ** 20).toFixed(0)),
        three((s) => s.commit.codec),
        ours.rowsAfter === theirs.rowsAfter ? ours.rowsAfter.toLocaleString('en-US') : `${ours.rowsAfter} vs ${theirs.rowsAfter}`,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
