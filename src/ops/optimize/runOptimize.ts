import { randomUUID } from 'node:crypto';
import type { Action, AddFile } from '../../delta/actions';
import { DeltaError } from '../../delta/errors';
import type { Predicate } from '../../delta/predicate/ast';
import type { Snapshot } from '../../delta/snapshot';
import type { DeltaTable } from '../../delta/table';
import { Transaction } from '../../delta/transaction/transaction';
import { addActionOf, type WrittenFile } from '../../delta/write/dataFileWriter';
import { removeActionOf } from '../../delta/write/removeAction';
import { openTable, type TableLocation } from '../../delta/write/tableLocation';
import { coalesceBatches } from './coalesceBatches';
import { MemoryMeter } from './memoryMeter';
import type { OptimizeOptions } from './optimizeOptions';
import { DEFAULT_PROBES } from './optimizeOptions';
import type { OptimizePlan, OptimizeResult } from './optimizePlan';
import { OutputFileSequence } from './outputFileSequence';
import { keptColumnsFor, planDetails, planOptimize, sampleZOrder } from './planOptimize';
import type { KeptZOrderColumns } from './keptZOrderColumns';
import { readLiveRows } from './readLiveRows';
import { probePredicates } from './skippingPrediction';
import { ZCUBE_ID_TAG, ZCUBE_ZORDER_BY_TAG, ZCUBE_ZORDER_CURVE_TAG, zOrderByTag } from './zCubeTags';
import type { ZOrderKey } from './zOrderKey';
import type { TypedValue } from '../../delta/predicate/typedValue';
import { ZOrderSorter } from './zOrderSorter';
import { WriterThread } from './writerThread';

/** Parquet bytes read ahead at most: an eighth of the budget (they are not Arrow data yet, and small). */
const PREFETCH_SHARE = 8;
/**
 * Arrow bytes of the batches compaction and Z-order hand the writer (small pieces joined). Kept under
 * the writer's threshold for encoding in the Parquet worker pool (worthEncodingInThePool, 1 MiB):
 * the files are encoded by the WriterThread's worker (or this thread), not by a second worker.
 */
const COALESCED_BATCH_BYTES = 768 * 1024;
/**
 * Input bytes from which the output files are written in a worker thread (WriterThread) by
 * default: below it the worker's start (its bundle and the wasm it loads: about 200 ms of CPU and
 * 35 MiB) costs more than it overlaps.
 */
const WRITER_THREAD_MIN_BYTES = 8 * 1024 * 1024;

export interface RunOptimizeOptions extends OptimizeOptions {
  /** Run this plan (e.g. the one a user just reviewed) instead of planning anew. */
  plan?: OptimizePlan;
  /** Recorded in the commit: this run was triggered by auto-compaction after a write. */
  auto?: boolean;
  /** Called when the rewritten files are written and the commit is next (tests use it to race a writer). */
  beforeCommit?: () => Promise<void>;
}

/**
 * Runs an OPTIMIZE plan: rewrites each bin's live rows (compaction: in file order; Z-order:
 * through the bounded-memory Z-order sort) into exactly the planned number of files, then commits
 * removes and adds with dataChange=false in one transaction read at the plan's version. Such a
 * commit only rearranges data, so concurrent blind appends rebase over it (and are kept); a
 * concurrent change to a file being rewritten is a conflict and nothing is committed.
 */
export async function runOptimize(location: TableLocation, options: RunOptimizeOptions = {}): Promise<OptimizeResult> {
  const started = performance.now();
  const table = await openTable(location);
  const plan = options.plan ?? await planOptimize(table, options, { keepZOrderColumns: true });
  const meter = new MemoryMeter();
  const result: OptimizeResult = {
    plan, version: null, filesAdded: 0, filesRemoved: 0, bytesAdded: 0, bytesRemoved: 0, rowsWritten: 0,
    durationMs: 0, peakHeldBytes: 0, spillFiles: 0, spillBytes: 0, attempts: 0,
  };
  if (plan.bins.length === 0) {
    result.durationMs = performance.now() - started;
    return result;
  }
  const tx = await Transaction.start(table, { readVersion: plan.version });
  const snapshot = tx.snapshot as Snapshot;
  const active = new Map(snapshot.files().map((f) => [f.path, f]));
  const inputs = plan.bins.map((bin) => bin.files.map((f) => {
    const file = active.get(f.path);
    if (!file) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `The plan was made for another state of the table: ${f.path} is not in version ${plan.version}. Plan again.`);
    }
    return file;
  }));
  tx.readFiles(inputs.flat());

  let zOrder: { key: ZOrderKey; samples: TypedValue[][][] } | undefined;
  let kept: KeptZOrderColumns | undefined;
  if (plan.mode === 'zOrder') {
    const known = planDetails(plan);
    if (known?.key && known.snapshot.version === plan.version) {
      zOrder = { key: known.key, samples: known.samples };
      kept = known.kept;
    } else {
      // A plan from elsewhere: sampled again, and since its columns are decoded anyway they are kept.
      kept = keptColumnsFor(plan.memoryBudget);
      zOrder = await sampleZOrder(snapshot, plan, options, kept);
    }
    if (known) delete known.kept;
    meter.hold(kept?.bytes ?? 0);
  }

  const now = Date.now();
  const actions: Action[] = [];
  const sequences: OutputFileSequence[] = [];
  /** Each bin's files once its last file is stored, in bin order. */
  const finishing: Array<Promise<WrittenFile[]>> = [];
  const totalFiles = plan.filesToRemove;
  let filesDone = 0;
  const thread = (options.writerThread ?? plan.bytesToRewrite >= WRITER_THREAD_MIN_BYTES) ? WriterThread.start(tx.store) : undefined;
  try {
    for (const [index, bin] of plan.bins.entries()) {
      options.signal?.throwIfAborted();
      const sequence = new OutputFileSequence(tx, bin.liveRows, bin.outputFiles, meter, options.signal, thread);
      sequences.push(sequence);
      const files = inputs[index] as AddFile[];
      const progress = (): void => options.onProgress?.(++filesDone, totalFiles, `rewriting ${plan.mode === 'zOrder' ? 'in Z order' : 'small files'}`);
      const rows = readLiveRows(snapshot, files, {
        prefetchBytes: plan.memoryBudget / PREFETCH_SHARE, onFileDone: progress, parallelDecode: options.parallelDecode ?? false,
        ...(kept ? { kept, onKeptTaken: (bytes: number) => meter.release(bytes) } : {}),
      });
      if (zOrder) {
        const sorter = new ZOrderSorter({
          key: zOrder.key, sample: zOrder.samples[index] ?? [], memoryBudget: plan.memoryBudget, meter,
          estimatedBytes: bin.inputBytes * plan.inflation,
          ...(options.spillDirectory ? { spillDirectory: options.spillDirectory } : {}),
        });
        try {
          for await (const batch of rows) await sorter.add(batch);
          // The gathered pieces are small (a chunk's rows of one spilled batch, a few thousand): joined,
          // they cost the writer (an IPC copy to its thread, the encoder's per-batch work) a few calls, not dozens.
          for await (const batch of coalesceBatches(sorter.sorted(sequence.fileEnds()), COALESCED_BATCH_BYTES)) {
            options.signal?.throwIfAborted();
            await sequence.write(batch);
          }
        } finally {
          result.spillFiles += sorter.spillFiles;
          result.spillBytes += sorter.spillBytes;
          await sorter.dispose();
        }
      } else {
        for await (const batch of coalesceBatches(rows, COALESCED_BATCH_BYTES)) await sequence.write(batch);
      }
      // The bin's last file is finished while the next bin is read: one bin finishing at a time.
      const finished = sequence.finish();
      finished.catch(() => undefined);
      await finishing.at(-1);
      finishing.push(finished);
    }
    for (const [index, written] of (await Promise.all(finishing)).entries()) {
      const files = inputs[index] as AddFile[];
      actions.push(...files.map((file) => removeActionOf(file, now, false)));
      const cube = randomUUID();
      actions.push(...written.map((file) => ({ add: addOf(file, plan, cube) })));
      result.filesAdded += written.length;
      result.bytesAdded += written.reduce((n, f) => n + f.size, 0);
      result.rowsWritten += written.reduce((n, f) => n + f.rows, 0);
      result.filesRemoved += files.length;
      result.bytesRemoved += files.reduce((n, f) => n + f.size, 0);
    }
    tx.add(...actions);
    await options.beforeCommit?.();
    const commit = await tx.commit({
      operation: 'OPTIMIZE',
      parameters: {
        predicate: JSON.stringify(plan.where === null ? [] : [plan.where]),
        zOrderBy: JSON.stringify(plan.zOrderBy),
        targetSize: plan.targetFileSize,
        auto: options.auto ?? false,
      },
      metrics: {
        numRemovedFiles: result.filesRemoved,
        numAddedFiles: result.filesAdded,
        numRemovedBytes: result.bytesRemoved,
        numAddedBytes: result.bytesAdded,
        numOutputRows: result.rowsWritten,
        numBins: plan.bins.length,
      },
      isBlindAppend: false,
    }, options.signal ? { signal: options.signal } : {});
    result.version = commit.version;
    result.attempts = commit.attempts;
  } catch (error) {
    // Files still being finished are stored before the sequences delete what they wrote.
    await Promise.allSettled(finishing);
    await Promise.all(sequences.map((s) => s.abort()));
    throw error;
  } finally {
    await thread?.close();
    if (kept) meter.release(kept.bytes);
    kept?.clear();
  }
  result.peakHeldBytes = meter.peak;
  if (zOrder && result.version !== null) await measureSkipping(table, result.version, plan, zOrder, options.probes ?? DEFAULT_PROBES);
  result.durationMs = performance.now() - started;
  return result;
}

/** The add action of a rewritten file; Z-ordered files are tagged with their cube (one per bin). */
function addOf(file: WrittenFile, plan: OptimizePlan, cube: string): AddFile {
  const add = addActionOf(file, false);
  if (plan.mode !== 'zOrder') return add;
  return {
    ...add,
    tags: { [ZCUBE_ID_TAG]: cube, [ZCUBE_ZORDER_BY_TAG]: zOrderByTag(plan.zOrderBy), [ZCUBE_ZORDER_CURVE_TAG]: 'zorder' },
  };
}

/**
 * Fills `measured` in the plan's skipping figures: the same probe predicates planned through the
 * engine's own scan (partition pruning and min/max skipping) on the committed version.
 */
async function measureSkipping(
  table: DeltaTable, version: number, plan: OptimizePlan, zOrder: { key: ZOrderKey; samples: TypedValue[][][] }, probes: number,
): Promise<void> {
  const snapshot = await table.snapshot({ version });
  const files = snapshot.fileCount;
  const fraction = (predicates: Predicate[]): number => {
    if (predicates.length === 0 || files === 0) return 1;
    let read = 0;
    for (const where of predicates) read += snapshot.scan({ where }).plan().length;
    return read / (predicates.length * files);
  };
  const rows = zOrder.samples.flat();
  zOrder.key.columns.forEach((column, c) => {
    const figures = plan.skipping.find((s) => s.column === column.name);
    if (!figures) return;
    const probe = probePredicates(column, rows.map((row) => row[c] ?? null), probes);
    figures.range.measured = fraction(probe.range);
    figures.point.measured = fraction(probe.point);
  });
}
