/**
 * The plan of an OPTIMIZE (compaction or Z-order) as the CLI prints it with --json and the
 * extension shows it in a webview: plain JSON-serialisable data only (no bigint, no class
 * instances), so it crosses postMessage unchanged. Values of table columns are shown as text.
 */

/** One data file an OPTIMIZE reads and removes. */
export interface PlannedInputFile {
  /** As in the log (table-relative, URL-encoded). */
  path: string;
  size: number;
  /** Physical rows (numRecords), deleted ones included; null without statistics. */
  rows: number | null;
  /** Rows hidden by the file's deletion vector. */
  deletedRows: number;
}

/** Why a bin is rewritten. */
export type BinReason = 'smallFiles' | 'deletedRows' | 'zOrder';

/** A group of files of one partition rewritten together into `outputFiles` new files. */
export interface OptimizeBin {
  /** Partition values by physical column name, as in the log. */
  partition: Record<string, string | null>;
  reason: BinReason;
  files: PlannedInputFile[];
  inputBytes: number;
  /** Rows the output files will hold (deleted rows are dropped). */
  liveRows: number;
  outputFiles: number;
}

/** File counts per size class, before and (predicted) after. */
export interface SizeHistogram {
  /** Upper bound (exclusive) of each class in bytes; the last class is unbounded (null). */
  upperBounds: Array<number | null>;
  labels: string[];
  before: number[];
  after: number[];
}

/** Fractions of files (0..1) a kind of predicate reads. */
export interface SkippingFigures {
  before: number;
  /** From the predicted per-file min/max after the rewrite. */
  predicted: number;
  /** After running: from the real files' statistics (filled in by runOptimize). */
  measured?: number;
}

/** The predicted data skipping for one Z-order column. */
export interface ColumnSkipping {
  column: string;
  /** Range predicates `col >= a AND col <= b` spanning 1% of the column's values. */
  range: SkippingFigures;
  /** Point predicates `col = v`. */
  point: SkippingFigures;
  /** How many probe predicates each figure averages over. */
  probes: number;
  /** Smallest and largest sampled value, as text. */
  low: string | null;
  high: string | null;
}

export interface OptimizePlan {
  table: string;
  /** The version the plan was made from; running commits on top of it (or rebases). */
  version: number;
  mode: 'compact' | 'zOrder';
  zOrderBy: string[];
  /** Partition predicate restricting the files considered. */
  where: string | null;
  targetFileSize: number;
  memoryBudget: number;
  /** Files whose deleted-row fraction exceeds this are rewritten even alone. */
  deletedRowsThreshold: number;
  filesInTable: number;
  /** Files matching `where`. */
  filesConsidered: number;
  /** Z-order: files already clustered by the same columns (incremental Z-order leaves them). */
  filesAlreadyClustered: number;
  bins: OptimizeBin[];
  filesToRemove: number;
  filesToAdd: number;
  bytesToRewrite: number;
  fileCountBefore: number;
  fileCountAfter: number;
  /** Estimated ratio of in-memory (Arrow) bytes to Parquet bytes, read from sampled footers. */
  inflation: number;
  histogram: SizeHistogram;
  /** Z-order only: one entry per Z-order column. */
  skipping: ColumnSkipping[];
  /** Things a user should know (e.g. output files made smaller to stay in the memory budget). */
  notes: string[];
}

/** What a run did, with the plan it followed (its skipping figures then carry `measured`). */
export interface OptimizeResult {
  plan: OptimizePlan;
  /** The committed version; null when there was nothing to do. */
  version: number | null;
  filesAdded: number;
  filesRemoved: number;
  bytesAdded: number;
  bytesRemoved: number;
  rowsWritten: number;
  durationMs: number;
  /** Most Arrow bytes the operation held at once by its own accounting (compare with memoryBudget). */
  peakHeldBytes: number;
  /** Spill files written by the Z-order external sort. */
  spillFiles: number;
  spillBytes: number;
  /** Commit attempts (more than 1 when concurrent writers committed meanwhile). */
  attempts: number;
}
