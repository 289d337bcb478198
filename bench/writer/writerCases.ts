import { MERGED_CATEGORY, ONE_PERCENT_PREDICATE } from './writerData';
import type { WriterJob } from './writerJob';

/** Full-size row counts of issue 4 ("Benchmark"); `--scale` multiplies them. */
export const FULL_SIZES = { appendRows: 5_000_000, targetRows: 10_000_000, mergeSourceRows: 1_000_000 } as const;

export type WriterSizes = { [K in keyof typeof FULL_SIZES]: number };

export function scaledSizes(scale: number): WriterSizes {
  // Multiples of 2,000 rows keep "quantity < -980" at exactly 1% (writerData.ts).
  const rows = (n: number): number => Math.max(2000, Math.round((n * scale) / 2000) * 2000);
  return { appendRows: rows(FULL_SIZES.appendRows), targetRows: rows(FULL_SIZES.targetRows), mergeSourceRows: rows(FULL_SIZES.mergeSourceRows) };
}

export type WriterEngine = 'ours' | 'deltaRs';

/** Where a contender's job runs: a new table, or a fresh copy of the cached target (plain or with deletion vectors enabled). */
export type StartTable = 'none' | 'plain' | 'dv';

export interface Contender {
  label: string;
  engine: WriterEngine;
  start: StartTable;
  job: (table: string) => WriterJob;
  /** delta-rs run with WriterProperties(compression='ZSTD'), ours' codec, instead of its default. */
  sameCodec?: true;
}

/** What every engine's result table must hold afterwards, counted by the other engine. */
export interface Expected {
  /** Rows of the table. */
  rows: number;
  /** Rows matching `where`. */
  matching: number;
  where: string;
  /** The operation's own count of the rows it changed (rowsAdded, rowsUpdated...). */
  affected: Partial<Record<'rowsAdded' | 'rowsUpdated' | 'rowsInserted' | 'rowsDeleted', number>>;
}

export interface WriterCase {
  id: 'append' | 'merge' | 'delete';
  title: string;
  /** Each ours contender is compared with the delta-rs one. */
  contenders: Contender[];
  expected: Expected;
  /**
   * Repetitions per contender (the median is reported). MERGE and DELETE run once by default: at full
   * size one run of each takes about 2 minutes on 2 cores, and the whole bench must stay near 10.
   */
  runs: number;
}

export function writerCases(sizes: WriterSizes): WriterCase[] {
  const { appendRows, targetRows, mergeSourceRows } = sizes;
  const matches = mergeSourceRows / 100;
  const merge = (table: string): WriterJob => ({ op: 'merge', table, targetRows, sourceRows: mergeSourceRows });
  const remove = (deletionVectors: boolean) => (table: string): WriterJob => ({ op: 'delete', table, where: ONE_PERCENT_PREDICATE, deletionVectors });
  return [
    {
      id: 'append', title: `append ${count(appendRows)} rows x 10 cols to a new table`, runs: 3,
      contenders: [
        { label: 'ours', engine: 'ours', start: 'none', job: (table) => ({ op: 'append', table, rows: appendRows }) },
        { label: 'delta-rs', engine: 'deltaRs', start: 'none', job: (table) => ({ op: 'append', table, rows: appendRows }) },
        { label: 'delta-rs, ZSTD', engine: 'deltaRs', start: 'none', sameCodec: true, job: (table) => ({ op: 'append', table, rows: appendRows, compression: 'ZSTD' }) },
      ],
      expected: { rows: appendRows, matching: appendRows / 100, where: ONE_PERCENT_PREDICATE, affected: { rowsAdded: appendRows } },
    },
    {
      id: 'merge', title: `MERGE ${count(mergeSourceRows)} rows into ${count(targetRows)}, 1% matching`, runs: 1,
      contenders: [
        { label: 'ours', engine: 'ours', start: 'plain', job: merge },
        { label: 'delta-rs', engine: 'deltaRs', start: 'plain', job: merge },
        { label: 'delta-rs, ZSTD', engine: 'deltaRs', start: 'plain', sameCodec: true, job: (table) => ({ ...merge(table), compression: 'ZSTD' }) },
      ],
      expected: {
        rows: targetRows + mergeSourceRows - matches, matching: mergeSourceRows, where: `category = '${MERGED_CATEGORY}'`,
        affected: { rowsUpdated: matches, rowsInserted: mergeSourceRows - matches },
      },
    },
    {
      id: 'delete', title: `DELETE 1% of ${count(targetRows)} rows`, runs: 1,
      contenders: [
        { label: 'ours, copy-on-write', engine: 'ours', start: 'plain', job: remove(false) },
        { label: 'ours, deletion vectors', engine: 'ours', start: 'dv', job: remove(true) },
        // delta-rs writes no deletion vectors: its DELETE always rewrites the files.
        { label: 'delta-rs (copy-on-write)', engine: 'deltaRs', start: 'plain', job: remove(false) },
      ],
      expected: { rows: targetRows - targetRows / 100, matching: 0, where: ONE_PERCENT_PREDICATE, affected: { rowsDeleted: targetRows / 100 } },
    },
  ];
}

function count(rows: number): string {
  return rows >= 1_000_000 && rows % 100_000 === 0 ? `${rows / 1_000_000}M` : rows.toLocaleString('en-US');
}
