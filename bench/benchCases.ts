import type { KeyRange } from './benchJob';
import type { TableSpec } from './benchTables';

export interface BenchCase {
  id: 'a' | 'b' | 'c' | 'd';
  title: string;
  table: TableSpec;
  op: 'load' | 'scan';
  range?: KeyRange;
  /** Repetitions per engine; the median is reported. */
  runs: number;
}

const ROWS_PER_SORTED_FILE = 2000;

/** The four cases of issue 3 ("Benchmark"). Sizes are the issue's; runs keep the whole bench under ~10 minutes on 2 cores. */
export const BENCH_CASES: readonly BenchCase[] = [
  {
    id: 'a', title: 'load latest, 10k commits, checkpoint/100', op: 'load', runs: 5,
    table: { kind: 'commits', params: { commits: 10_000, interval: 100 } },
  },
  {
    id: 'b', title: 'load latest, 100k active files', op: 'load', runs: 5,
    table: { kind: 'files', params: { commits: 1000, filesPerCommit: 100, interval: 100 } },
  },
  {
    id: 'c', title: 'full scan, 5M rows x 10 cols', op: 'scan', runs: 3,
    table: { kind: 'wide', params: { rows: 5_000_000, seed: 42 } },
  },
  {
    id: 'd', title: 'selective scan, stats skip 99%', op: 'scan', runs: 5,
    table: { kind: 'sorted', params: { files: 1000, rowsPerFile: ROWS_PER_SORTED_FILE, commits: 10 } },
    // Ten of the thousand files (files 500..509) hold these keys.
    range: { column: 'key', min: 500 * ROWS_PER_SORTED_FILE, maxExclusive: 510 * ROWS_PER_SORTED_FILE },
  },
];
