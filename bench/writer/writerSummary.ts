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

/** One line per ours contender against the delta-rs contender of its case (ratio below 1: we are faster). */
export function formatWriterTable(results: readonly WriterCaseResult[]): string {
  const header = ['case', 'ours ms', 'delta-rs ms', 'ratio', 'cpu ms ours / delta-rs', 'cpu ratio', 'peak MiB ours / delta-rs',
    'input MiB ours / delta-rs', 'files +/- ours | delta-rs', 'new MiB ours / delta-rs', 'rows after'];
  const rows: string[][] = [];
  for (const result of results) {
    const peer = [...result.runs.entries()].find(([c]) => c.engine === 'deltaRs');
    if (!peer) continue;
    const theirs = summariseRuns(peer[1]);
    for (const [contender, runs] of result.runs) {
      if (contender.engine !== 'ours' || runs.length === 0) continue;
      const ours = summariseRuns(runs);
      const files = (s: ContenderSummary): string => `+${s.commit.filesAdded}/-${s.commit.filesRemoved}`;
      const mib = (s: ContenderSummary): string => (s.commit.bytesAdded / 2 ** 20).toFixed(0);
      rows.push([
        `${result.writerCase.title}${contender.label === 'ours' ? '' : ` (${contender.label.replace(/^ours, /, '')})`}`,
        ours.ms.toFixed(0),
        theirs.ms.toFixed(0),
        `${(ours.ms / theirs.ms).toFixed(2)}x`,
        `${ours.cpuMs.toFixed(0)} / ${theirs.cpuMs.toFixed(0)}`,
        `${(ours.cpuMs / theirs.cpuMs).toFixed(2)}x`,
        `${ours.peakMiB.toFixed(0)} / ${theirs.peakMiB.toFixed(0)}`,
        `${ours.baselineMiB.toFixed(0)} / ${theirs.baselineMiB.toFixed(0)}`,
        `${files(ours)} | ${files(theirs)}`,
        `${mib(ours)} / ${mib(theirs)}`,
        ours.rowsAfter === theirs.rowsAfter ? ours.rowsAfter.toLocaleString('en-US') : `${ours.rowsAfter} vs ${theirs.rowsAfter}`,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
