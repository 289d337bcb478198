import type { Predicate } from '../../delta/predicate/ast';
import { compareValues, type NonNullValue, type TypedValue } from '../../delta/predicate/typedValue';
import type { StructType } from '../../delta/schema';
import type { FileStats } from '../../delta/stats/fileStats';
import { canSkipFile, type SkippableFile } from '../../delta/stats/skipping';
import type { ZOrderColumn, ZOrderKey } from './zOrderKey';

/** Probe predicates per Z-order column: what "a typical range or point query" means in the plan. */
export interface ColumnProbes {
  range: Predicate[];
  point: Predicate[];
  low: NonNullValue | undefined;
  high: NonNullValue | undefined;
}

/** Fraction of the value distribution a range probe spans (1%). */
export const RANGE_PROBE_WIDTH = 0.01;

/**
 * `count` range predicates `low <= col <= high`, each spanning 1% of the sampled values, and
 * `count` point predicates `col = v`, at evenly spaced positions of the sampled distribution.
 * Probes follow the rows rather than the raw min..max domain, so a column with outliers is probed
 * where its data lies; for uniform data both are the same.
 */
export function probePredicates(column: ZOrderColumn, values: readonly TypedValue[], count: number): ColumnProbes {
  const sorted = values.filter((v): v is NonNullValue => v !== null).sort(compareValues);
  const ref = { path: [column.name], type: column.type };
  const at = (p: number): NonNullValue => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as NonNullValue;
  const range: Predicate[] = [];
  const point: Predicate[] = [];
  if (sorted.length > 0) {
    for (let i = 0; i < count; i++) {
      const start = ((i + 0.5) / count) * (1 - RANGE_PROBE_WIDTH);
      range.push({
        kind: 'and',
        left: { kind: 'comparison', op: '>=', column: ref, value: at(start) },
        right: { kind: 'comparison', op: '<=', column: ref, value: at(start + RANGE_PROBE_WIDTH) },
      });
      point.push({ kind: 'comparison', op: '=', column: ref, value: at((i + 0.5) / count) });
    }
  }
  return { range, point, low: sorted[0], high: sorted[sorted.length - 1] };
}

/** Mean fraction of files the probes cannot skip (1 for an empty table: nothing to skip). */
export function readFraction(probes: readonly Predicate[], files: readonly SkippableFile[], schema: StructType): number {
  if (probes.length === 0 || files.length === 0) return 1;
  let read = 0;
  for (const probe of probes) {
    for (const file of files) if (!canSkipFile(probe, file, schema)) read++;
  }
  return read / (probes.length * files.length);
}

/**
 * The statistics the files of one Z-ordered partition will have: the sample rows are put in Z
 * order and cut into `outputFiles` runs of equal size, as the run cuts the real rows, and each run's
 * min/max per Z-order column is a predicted file's bounds (slightly narrow, being a sample's).
 */
export function predictedZOrderStats(sample: readonly (readonly TypedValue[])[], key: ZOrderKey, outputFiles: number, rows: number): FileStats[] {
  const ordered = sample.map((row) => ({ row, z: key.zOf(row) })).sort((a, b) => a.z - b.z);
  const files: FileStats[] = [];
  const n = Math.max(1, outputFiles);
  for (let f = 0; f < n; f++) {
    const part = ordered.slice(Math.floor((f * ordered.length) / n), Math.floor(((f + 1) * ordered.length) / n));
    files.push(new PredictedFileStats(key.columns.map((c) => c.name), part.map((p) => p.row), Math.round(rows / n)));
  }
  return files;
}

class PredictedFileStats implements FileStats {
  readonly tightBounds = true;
  private readonly bounds = new Map<string, { min?: NonNullValue; max?: NonNullValue; nulls: number }>();

  constructor(columns: readonly string[], rows: readonly (readonly TypedValue[])[], readonly numRecords: number) {
    columns.forEach((name, c) => {
      const entry: { min?: NonNullValue; max?: NonNullValue; nulls: number } = { nulls: 0 };
      for (const row of rows) {
        const v = row[c] ?? null;
        if (v === null) {
          entry.nulls++;
          continue;
        }
        if (entry.min === undefined || compareValues(v, entry.min) < 0) entry.min = v;
        if (entry.max === undefined || compareValues(v, entry.max) > 0) entry.max = v;
      }
      this.bounds.set(name, entry);
    });
  }

  min(path: readonly string[]): NonNullValue | undefined {
    return path.length === 1 ? this.bounds.get(path[0] as string)?.min : undefined;
  }

  max(path: readonly string[]): NonNullValue | undefined {
    return path.length === 1 ? this.bounds.get(path[0] as string)?.max : undefined;
  }

  nullCount(path: readonly string[]): number | undefined {
    const entry = path.length === 1 ? this.bounds.get(path[0] as string) : undefined;
    // A sample without nulls does not prove the file has none: only claim "some" when seen.
    return entry && entry.nulls > 0 ? entry.nulls : undefined;
  }
}
