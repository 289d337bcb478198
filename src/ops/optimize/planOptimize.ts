import type { Data } from 'apache-arrow';
import type { AddFile } from '../../delta/actions';
import { DeltaError } from '../../delta/errors';
import { resolveDataFilePath } from '../../delta/filePaths';
import { columnsOf } from '../../delta/predicate/columnsOf';
import { formatValue } from '../../delta/predicate/formatPredicate';
import { parsePredicate } from '../../delta/predicate/parsePredicate';
import type { TypedValue } from '../../delta/predicate/typedValue';
import { fileMatchesStats, filePartitionValues } from '../../delta/scan/pruning';
import { isRecord, type DataType } from '../../delta/schema';

import type { Snapshot } from '../../delta/snapshot';
import { parseFileStats } from '../../delta/stats/fileStats';
import type { SkippableFile } from '../../delta/stats/skipping';
import { DEFAULT_TARGET_FILE_SIZE } from '../../delta/write/dataFileWriter';
import { readDataFile, type FileRows } from '../../delta/write/fileRows';
import { openTable, type TableLocation } from '../../delta/write/tableLocation';
import { filterBatch } from '../../arrow/takeRows';
import { readParquetFooter } from '../../connectors/parquet/parquetFooter';
import { binOf, packBins, type PackableFile, type PackedBin } from './binPacking';
import {
  DEFAULT_DELETED_ROWS_THRESHOLD, DEFAULT_MEMORY_BUDGET, DEFAULT_PROBES, DEFAULT_SAMPLE_ROWS, parseByteSize, type OptimizeOptions,
} from './optimizeOptions';
import type { ColumnSkipping, OptimizeBin, OptimizePlan } from './optimizePlan';
import { cellValues } from '../../delta/predicate/readCell';
import { partitionKey } from './partitionKey';
import { KeptZOrderColumns } from './keptZOrderColumns';
import { RowSample } from './rowSample';
import { SmallFileReader } from './smallFileReader';
import { sizeHistogram } from './sizeHistogram';
import { predictedZOrderStats, probePredicates, readFraction } from './skippingPrediction';
import { ZOrderKey, type ZOrderColumn } from './zOrderKey';
import { ZCUBE_ZORDER_BY_TAG, zOrderByTag } from './zCubeTags';

/** Used when no footer could be read: Arrow data is typically 2-4x its zstd Parquet size. */
const DEFAULT_INFLATION = 3;
const FOOTERS_SAMPLED = 8;
/** Files read per partition for the Z-order sample (evenly spread when there are more). */
const SAMPLED_FILES_PER_PARTITION = 256;
/** One output file's Arrow data must fit in this share of the budget (it is buffered until encoded). */
const OUTPUT_SHARE_OF_BUDGET = 4;

/** What the run needs besides the JSON plan; kept out of the plan so it stays plain data. */
export interface PlanDetails {
  snapshot: Snapshot;
  key?: ZOrderKey;
  /** Z-order sample rows per bin (same order as plan.bins). */
  samples: TypedValue[][][];
  /** The Z-order columns the sampling pass decoded, for the run (planned with `keepZOrderColumns`). */
  kept?: KeptZOrderColumns;
}

/** How the planner is called, beyond the user's options. */
export interface PlanCall {
  /**
   * Keep the Z-order columns the sampling pass decodes (within a share of the memory budget) for
   * a run that follows at once: runOptimize planning for itself. Not for a plan a user reviews
   * first, whose columns would be held while they read it.
   */
  keepZOrderColumns?: boolean;
}

/**
 * The Z-order columns kept from the sampling pass may take this share of the memory budget: they
 * are let go file by file while the run reads, before any bucket is sorted.
 */
const KEPT_COLUMNS_SHARE = 3;

/** Room for the Z-order columns kept from the sampling pass of a run with this budget. */
export function keptColumnsFor(memoryBudget: number): KeptZOrderColumns {
  return new KeptZOrderColumns(Math.floor(memoryBudget / KEPT_COLUMNS_SHARE));
}

const details = new WeakMap<OptimizePlan, PlanDetails>();

/** The details of a plan made in this process, or undefined for a plan that came from elsewhere. */
export function planDetails(plan: OptimizePlan): PlanDetails | undefined {
  return details.get(plan);
}

/**
 * Plans an OPTIMIZE without writing anything: which files are rewritten together (bins), into how
 * many files, how many bytes, and for Z-order the predicted data skipping per column. Reads the log,
 * a few Parquet footers, and for Z-order a sample of the Z-order columns.
 */
export async function planOptimize(location: TableLocation, options: OptimizeOptions = {}, call: PlanCall = {}): Promise<OptimizePlan> {
  const table = await openTable(location);
  const snapshot = await table.snapshot();
  const targetFileSize = options.targetFileSize ?? tableTargetSize(snapshot) ?? DEFAULT_TARGET_FILE_SIZE;
  const memoryBudget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const deletedRowsThreshold = options.deletedRowsThreshold ?? DEFAULT_DELETED_ROWS_THRESHOLD;
  const zColumns = zOrderColumns(snapshot, options.zOrderBy ?? []);
  const allFiles = snapshot.files().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const chosen = filterByPartitionValues(filterByPartition(snapshot, allFiles, options.where), options.partitions);
  const considered = crowdedPartitions(chosen, options.smallFileSize ?? targetFileSize, options.minFilesPerPartition ?? 0);
  const packable = considered.map(packableOf);
  const notes: string[] = [];

  let packed: PackedBin[];
  let alreadyClustered = 0;
  if (zColumns.length === 0) {
    packed = packBins(packable, { targetFileSize, deletedRowsThreshold });
  } else {
    const tag = zOrderByTag(zColumns.map((c) => c.name));
    const fresh = packable.filter((_, i) => considered[i]?.tags?.[ZCUBE_ZORDER_BY_TAG] !== tag);
    alreadyClustered = packable.length - fresh.length;
    if (alreadyClustered > 0) notes.push(`${alreadyClustered} file(s) already Z-ordered by the same columns are left as they are (incremental Z-order).`);
    packed = groupByPartition(fresh).map((files) => binOf(files, 'zOrder'));
  }

  const inflation = await estimateInflation(snapshot, packed);
  const outputCap = Math.max(1, Math.floor(memoryBudget / OUTPUT_SHARE_OF_BUDGET));
  let cappedByMemory = false;
  const bins: OptimizeBin[] = packed.map((bin) => {
    const liveBytes = bin.inputBytes * liveFraction(bin);
    const bySize = Math.ceil(liveBytes / targetFileSize);
    const byMemory = Math.ceil((liveBytes * inflation) / outputCap);
    if (byMemory > bySize) cappedByMemory = true;
    // Files without statistics have unknown row counts: at least one output then.
    const rowsKnown = bin.files.every((f) => f.rows !== null);
    const outputFiles = rowsKnown && bin.liveRows === 0 ? 0 : Math.min(rowsKnown ? bin.liveRows : Infinity, Math.max(1, bySize, byMemory));
    return { ...bin, outputFiles };
  });
  if (cappedByMemory) {
    notes.push(`Some output files are smaller than the target size so that one file's data (about ${inflation.toFixed(1)}x its Parquet size in memory) fits in a quarter of the memory budget.`);
  }

  const removed = new Set(bins.flatMap((b) => b.files.map((f) => f.path)));
  const filesToAdd = bins.reduce((n, b) => n + b.outputFiles, 0);
  const afterSizes = [
    ...allFiles.filter((f) => !removed.has(f.path)).map((f) => f.size),
    ...bins.flatMap((b) => Array.from({ length: b.outputFiles }, () => (b.inputBytes * liveFraction(b)) / b.outputFiles)),
  ];
  const plan: OptimizePlan = {
    table: snapshot.tableRoot,
    version: snapshot.version,
    mode: zColumns.length === 0 ? 'compact' : 'zOrder',
    zOrderBy: zColumns.map((c) => c.name),
    where: options.where ?? null,
    targetFileSize,
    memoryBudget,
    deletedRowsThreshold,
    filesInTable: allFiles.length,
    filesConsidered: considered.length,
    filesAlreadyClustered: alreadyClustered,
    bins,
    filesToRemove: removed.size,
    filesToAdd,
    bytesToRewrite: bins.reduce((n, b) => n + b.inputBytes, 0),
    fileCountBefore: allFiles.length,
    fileCountAfter: allFiles.length - removed.size + filesToAdd,
    inflation,
    histogram: sizeHistogram(allFiles.map((f) => f.size), afterSizes),
    skipping: [],
    notes,
  };

  const planDetail: PlanDetails = { snapshot, samples: [] };
  if (zColumns.length > 0) {
    const kept = call.keepZOrderColumns ? keptColumnsFor(memoryBudget) : undefined;
    const { key, samples } = await sampleZOrder(snapshot, plan, options, kept);
    planDetail.key = key;
    planDetail.samples = samples;
    if (kept) planDetail.kept = kept;
    plan.skipping = predictSkipping(snapshot, allFiles, removed, bins, samples, key, options.probes ?? DEFAULT_PROBES);
  }
  details.set(plan, planDetail);
  return plan;
}

/**
 * Samples the Z-order columns of each bin's files (up to `sampleRows` rows per bin) and builds the
 * Z-order key from all samples, so every partition uses the same range ids.
 */
export async function sampleZOrder(
  snapshot: Snapshot, plan: OptimizePlan, options: Pick<OptimizeOptions, 'sampleRows' | 'signal' | 'onProgress'>, kept?: KeptZOrderColumns,
): Promise<{ key: ZOrderKey; samples: TypedValue[][][] }> {
  const columns = zOrderColumns(snapshot, plan.zOrderBy);
  const byPath = new Map(snapshot.files().map((f) => [f.path, f]));
  const samples: TypedValue[][][] = [];
  for (const [index, bin] of plan.bins.entries()) {
    options.signal?.throwIfAborted();
    options.onProgress?.(index, plan.bins.length, 'sampling Z-order columns');
    const files = bin.files.map((f) => byPath.get(f.path)).filter((f) => f !== undefined);
    samples.push(await sampleColumns(snapshot, files, columns, options.sampleRows ?? DEFAULT_SAMPLE_ROWS, kept));
  }
  return { key: new ZOrderKey(columns, samples.flat()), samples };
}

/** Before/after read fractions of the probe predicates of each Z-order column. */
function predictSkipping(
  snapshot: Snapshot, allFiles: AddFile[], removed: ReadonlySet<string>, bins: OptimizeBin[],
  samples: TypedValue[][][], key: ZOrderKey, probes: number,
): ColumnSkipping[] {
  const schema = snapshot.schema;
  const before = allFiles.map((f) => skippableOf(snapshot, f));
  const kept = allFiles.filter((f) => !removed.has(f.path)).map((f) => skippableOf(snapshot, f));
  const predicted: SkippableFile[] = bins.flatMap((bin, i) => {
    const partitionValues = filePartitionValues({ path: '', partitionValues: bin.partition, size: 0, modificationTime: 0, dataChange: false }, snapshot);
    return predictedZOrderStats(samples[i] ?? [], key, bin.outputFiles, bin.liveRows).map((stats) => ({ stats, partitionValues }));
  });
  const after = [...kept, ...predicted];
  const everySample = samples.flat();
  return key.columns.map((column, c) => {
    const probe = probePredicates(column, everySample.map((row) => row[c] ?? null), probes);
    return {
      column: column.name,
      range: { before: readFraction(probe.range, before, schema), predicted: readFraction(probe.range, after, schema) },
      point: { before: readFraction(probe.point, before, schema), predicted: readFraction(probe.point, after, schema) },
      probes: probe.range.length,
      low: probe.low === undefined ? null : formatValue(probe.low, column.type),
      high: probe.high === undefined ? null : formatValue(probe.high, column.type),
    };
  });
}

/** The file's stats and partition values as data skipping sees them. */
export function skippableOf(snapshot: Snapshot, file: AddFile): SkippableFile {
  return {
    stats: parseFileStats(file.stats, snapshot.schema, snapshot.columnMappingMode),
    partitionValues: filePartitionValues(file, snapshot),
  };
}

/**
 * Up to `capacity` uniform sample rows of the Z-order columns of up to SAMPLED_FILES_PER_PARTITION
 * files spread over `files`. With `kept`, every file's Z-order columns are decoded (as long as
 * they fit) and kept for the run, which then decodes only the other columns: the sample is the
 * same either way, taken from the same spread files.
 */
async function sampleColumns(
  snapshot: Snapshot, files: AddFile[], columns: ZOrderColumn[], capacity: number, kept: KeptZOrderColumns | undefined,
): Promise<TypedValue[][]> {
  const step = Math.max(1, files.length / SAMPLED_FILES_PER_PARTITION);
  const chosen = new Set<number>();
  for (let i = 0; Math.floor(i) < files.length; i += step) chosen.add(Math.floor(i));
  const names = columns.map((c) => c.name);
  const sample = new RowSample(capacity);
  // Small files are read and decoded whole by the run's fast path; keeping their columns would cost more than it saves.
  const small = new SmallFileReader(snapshot);
  for (const [index, file] of files.entries()) {
    const sampled = chosen.has(index);
    const keep = kept !== undefined && kept.hasRoom && !small.accepts(file);
    if (!sampled && !keep) continue;
    const pieces: FileRows[] = [];
    // Only the Z-order columns' chunks are read and decoded (whatever the row group size).
    for await (const piece of (await readDataFile(snapshot, file)).batchesOf(names)) pieces.push(piece);
    if (keep) kept.offer(file.path, pieces);
    if (!sampled) continue;
    for (const { batch: physical, live } of pieces) {
      const batch = live ? filterBatch(physical, live) : physical;
      const readers = columns.map((column) => cellReaderAt(batch.data.children[batch.schema.fields.findIndex((f) => f.name === column.name)], column.type));
      sample.offerRows(batch.numRows, (row) => readers.map((read) => read(row)));
    }
  }
  return sample.rows;
}

function cellReaderAt(data: Data | undefined, type: DataType): (row: number) => TypedValue {
  if (!data) return () => null;
  return cellValues(data, type);
}

function zOrderColumns(snapshot: Snapshot, names: readonly string[]): ZOrderColumn[] {
  const partitions = new Set(snapshot.partitionColumns.map((c) => c.toLowerCase()));
  const seen = new Set<string>();
  return names.map((name) => {
    const field = snapshot.schema.fields.find((f) => f.name === name) ?? snapshot.schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!field) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `Cannot Z-order by "${name}": the table has no such top-level column. Columns: ${snapshot.schema.fields.map((f) => f.name).join(', ')}.`);
    }
    if (partitions.has(field.name.toLowerCase())) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `Cannot Z-order by partition column "${field.name}": each file holds one value of it already. Pick data columns.`);
    }
    if (field.type.kind !== 'primitive' && field.type.kind !== 'decimal') {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `Cannot Z-order by "${field.name}": it is a nested column without min/max statistics.`);
    }
    if (seen.has(field.name)) throw new DeltaError('DELTA_INVALID_ARGUMENT', `Z-order column "${field.name}" is given twice.`);
    seen.add(field.name);
    return { name: field.name, type: field.type };
  });
}

function filterByPartition(snapshot: Snapshot, files: AddFile[], where: string | undefined): AddFile[] {
  if (where === undefined) return files;
  const predicate = parsePredicate(where, snapshot.schema);
  const partitions = new Set(snapshot.partitionColumns);
  const other = columnsOf(predicate).find((path) => path.length !== 1 || !partitions.has(path[0] as string));
  if (other) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT',
      `OPTIMIZE --where may only use partition columns (${snapshot.partitionColumns.join(', ') || 'the table has none'}), not "${other.join('.')}".`);
  }
  return files.filter((file) => fileMatchesStats(predicate, file, snapshot));
}

function filterByPartitionValues(files: AddFile[], partitions: OptimizeOptions['partitions']): AddFile[] {
  if (partitions === undefined) return files;
  const keys = new Set(partitions.map(partitionKey));
  return files.filter((f) => keys.has(partitionKey(f.partitionValues)));
}

/** The files of the partitions holding at least `minSmallFiles` files under `smallFileSize`. */
function crowdedPartitions(files: AddFile[], smallFileSize: number, minSmallFiles: number): AddFile[] {
  if (minSmallFiles <= 0) return files;
  const small = new Map<string, number>();
  for (const file of files) {
    const key = partitionKey(file.partitionValues);
    if (file.size < smallFileSize) small.set(key, (small.get(key) ?? 0) + 1);
  }
  return files.filter((f) => (small.get(partitionKey(f.partitionValues)) ?? 0) >= minSmallFiles);
}

function packableOf(file: AddFile): PackableFile {
  return {
    path: file.path,
    size: file.size,
    rows: recordCount(file.stats),
    deletedRows: file.deletionVector?.cardinality ?? 0,
    partition: { ...(file.partitionValues ?? {}) },
  };
}

/**
 * The numRecords of an add's statistics, or null. Bin packing needs only this count: JSON.parse
 * finds it for a fraction of the cost of parseFileStats, whose exact parse of every bound was a
 * second of planning a compaction of 10,000 files.
 */
function recordCount(stats: string | null | undefined): number | null {
  if (!stats) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stats);
  } catch {
    return null;
  }
  const count = isRecord(parsed) ? parsed.numRecords : undefined;
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : null;
}

function groupByPartition(files: PackableFile[]): PackableFile[][] {
  const groups = new Map<string, PackableFile[]>();
  for (const file of files) {
    const key = partitionKey(file.partition);
    const group = groups.get(key);
    if (group) group.push(file);
    else groups.set(key, [file]);
  }
  return [...groups.keys()].sort().map((k) => groups.get(k) as PackableFile[]);
}

function liveFraction(bin: { liveRows: number; files: Array<{ rows: number | null }> }): number {
  const rows = bin.files.reduce((n, f) => n + (f.rows ?? 0), 0);
  return rows > 0 ? bin.liveRows / rows : 1;
}

/** Arrow bytes per Parquet byte, from the footers of a few files to be rewritten. */
async function estimateInflation(snapshot: Snapshot, bins: PackedBin[]): Promise<number> {
  const files = bins.flatMap((b) => b.files);
  const step = Math.max(1, Math.floor(files.length / FOOTERS_SAMPLED));
  let parquet = 0;
  let uncompressed = 0;
  for (let i = 0; i < files.length && i / step < FOOTERS_SAMPLED; i += step) {
    const file = files[i] as OptimizeBin['files'][number];
    const relative = resolveDataFilePath(file.path, snapshot.tableRoot);
    const footer = await readParquetFooter(snapshot.store, relative, file.size);
    parquet += file.size;
    uncompressed += footer.metadata.row_groups.reduce((n, g) => n + Number(g.total_byte_size), 0);
  }
  return parquet > 0 && uncompressed > 0 ? Math.max(1, uncompressed / parquet) : DEFAULT_INFLATION;
}

function tableTargetSize(snapshot: Snapshot): number | undefined {
  const text = snapshot.properties['delta.targetFileSize'];
  return text === undefined ? undefined : parseByteSize(text, 'delta.targetFileSize');
}


