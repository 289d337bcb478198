import type { OptimizeBin, PlannedInputFile } from './optimizePlan';
import { partitionKey } from './partitionKey';

export interface PackableFile extends PlannedInputFile {
  partition: Record<string, string | null>;
}

export interface BinPackingOptions {
  targetFileSize: number;
  /** Fraction of deleted rows above which a file is rewritten even alone. */
  deletedRowsThreshold: number;
}

/** A bin before the planner decides how many files it writes. */
export type PackedBin = Omit<OptimizeBin, 'outputFiles'>;

/**
 * Bin-packing compaction per partition, as Spark's and delta-rs's OPTIMIZE do: the files smaller
 * than the target, smallest first, fill bins up to the target size; a bin of one file would only
 * copy it, so it is dropped. Files with more deleted rows than the threshold are rewritten in any
 * case (to purge the rows their deletion vectors hide): alone when they are large, else packed.
 */
export function packBins(files: readonly PackableFile[], options: BinPackingOptions): PackedBin[] {
  const byPartition = new Map<string, PackableFile[]>();
  for (const file of files) {
    const key = partitionKey(file.partition);
    const group = byPartition.get(key);
    if (group) group.push(file);
    else byPartition.set(key, [file]);
  }
  const bins: PackedBin[] = [];
  for (const group of [...byPartition.keys()].sort().map((k) => byPartition.get(k) as PackableFile[])) {
    const mustRewrite = (f: PackableFile): boolean => deletedFraction(f) > options.deletedRowsThreshold;
    const small = group.filter((f) => f.size < options.targetFileSize)
      .sort((a, b) => a.size - b.size || (a.path < b.path ? -1 : 1));
    let current: PackableFile[] = [];
    let bytes = 0;
    const close = (): void => {
      if (current.length > 1 || (current.length === 1 && mustRewrite(current[0] as PackableFile))) {
        bins.push(binOf(current, current.some(mustRewrite) && current.length === 1 ? 'deletedRows' : 'smallFiles'));
      }
      current = [];
      bytes = 0;
    };
    for (const file of small) {
      if (current.length > 0 && bytes + file.size > options.targetFileSize) close();
      current.push(file);
      bytes += file.size;
    }
    close();
    for (const file of group) {
      if (file.size >= options.targetFileSize && mustRewrite(file)) bins.push(binOf([file], 'deletedRows'));
    }
  }
  return bins;
}

export function deletedFraction(file: PlannedInputFile): number {
  return file.rows && file.rows > 0 ? file.deletedRows / file.rows : 0;
}

export function binOf(files: readonly PackableFile[], reason: PackedBin['reason']): PackedBin {
  const first = files[0];
  return {
    partition: first ? { ...first.partition } : {},
    reason,
    files: files.map(({ path, size, rows, deletedRows }) => ({ path, size, rows, deletedRows })),
    inputBytes: files.reduce((n, f) => n + f.size, 0),
    liveRows: files.reduce((n, f) => n + Math.max(0, (f.rows ?? 0) - f.deletedRows), 0),
  };
}
