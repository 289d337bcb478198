import { Data, RecordBatch, Struct } from 'apache-arrow';
import { filterBatch } from '../../arrow/takeRows';
import type { AddFile } from '../../delta/actions';
import { toArrowSchema } from '../../delta/arrowSchema';
import { keepMask } from '../../delta/deletionVectors/keepMask';
import { readDeletionVector } from '../../delta/deletionVectors/readDeletionVector';
import { DeltaError } from '../../delta/errors';
import { resolveDataFilePath } from '../../delta/filePaths';
import { conformData } from '../../delta/scan/conformData';
import { constantData } from '../../delta/scan/constantData';
import { filePartitionValues } from '../../delta/scan/pruning';
import { physicalName, type StructField } from '../../delta/schema';
import type { Snapshot } from '../../delta/snapshot';
import { decodeParquet, ParquetDecodeError, parquetRowGroupSizes } from '../../parquet/readParquet';
import { readDataFile, type DataFileContent } from '../../delta/write/fileRows';
import { SourceRowIds } from '../../delta/write/sourceRowIds';
import { SmallFileReader } from './smallFileReader';

/** Files read ahead at most; many small files are bound by I/O latency, not by decoding. */
const MAX_PREFETCH_FILES = 16;

/**
 * The live rows (deletion vector applied) of data files in order, all table columns, a row group
 * at a time: what a rewrite copies into the new files. Small plain files are read whole, each in
 * one synchronous read and decode (SmallFileReader, which with `parallelDecode` has the worker pool
 * decode part of them); the other files are fetched ahead while the
 * current one is decoded, as long as their bytes fit `prefetchBytes`.
 */
export async function* readLiveRows(
  snapshot: Snapshot, files: readonly AddFile[], prefetchBytes: number, onFileDone?: (file: AddFile) => void, parallelDecode = false,
): AsyncGenerator<RecordBatch> {
  const small = new SmallFileReader(snapshot, parallelDecode);
  const direct = files.map((file) => small.accepts(file));
  const pending = new Map<number, Promise<DataFileContent>>();
  let next = 0;
  let pendingBytes = 0;
  const fill = (): void => {
    while (next < files.length && pending.size < MAX_PREFETCH_FILES) {
      const index = next;
      const file = files[index] as AddFile;
      if (direct[index]) {
        next++;
        continue;
      }
      if (pending.size > 0 && pendingBytes + file.size > prefetchBytes) return;
      next++;
      pendingBytes += file.size;
      const content = readDataFile(snapshot, file);
      // Failures surface when the file's turn comes; until then they must not be unhandled.
      content.catch(() => undefined);
      pending.set(index, content);
    }
  };
  for (let index = 0; index < files.length; index++) {
    const file = files[index] as AddFile;
    fill();
    if (direct[index]) {
      let end = index + 1;
      while (end < files.length && direct[end]) end++;
      const run = files.slice(index, end);
      yield* small.readRun(run, onFileDone);
      index = end - 1;
      continue;
    }
    const content = await (pending.get(index) as Promise<DataFileContent>);
    pending.delete(index);
    pendingBytes -= file.size;
    fill();
    // Compacted rows keep their stable row ids and commit versions on a row-tracking table.
    const ids = await SourceRowIds.read(snapshot, file);
    for (const { batch, live, rowOffset } of content.batches) {
      const tracked = ids ? ids.attach(batch, rowOffset) : batch;
      const kept = live ? filterBatch(tracked, live) : tracked;
      if (kept.numRows > 0) yield kept;
    }
    onFileDone?.(file);
  }
}

/**
 * Only some top-level columns of a file's live rows (for sampling the Z-order columns): the other
 * columns are never decoded. Returns the file's Parquet bytes too, whose footer the planner reads.
 */
export async function readLiveColumns(snapshot: Snapshot, file: AddFile, fields: readonly StructField[]): Promise<RecordBatch[]> {
  const path = resolveDataFilePath(file.path, snapshot.tableRoot);
  const [bytes, deleted] = await Promise.all([
    snapshot.store.get(path).catch((cause: unknown) => {
      throw new DeltaError('DELTA_FILE_NOT_FOUND', `Data file ${path} of version ${snapshot.version} cannot be read: ${(cause as Error).message}`, { cause });
    }),
    file.deletionVector ? readDeletionVector(snapshot.store, file.deletionVector) : Promise.resolve(undefined),
  ]);
  const mode = snapshot.columnMappingMode;
  const partitionColumns = new Set(snapshot.partitionColumns);
  const partitions = filePartitionValues(file, snapshot);
  const schema = { kind: 'struct' as const, fields: [...fields] };
  const arrowSchema = toArrowSchema(schema);
  const stored = fields.filter((f) => !partitionColumns.has(f.name)).map((f) => physicalName(f, mode));
  const out: RecordBatch[] = [];
  try {
    let rowOffset = 0;
    for (const [index] of parquetRowGroupSizes(bytes).entries()) {
      const table = decodeParquet(bytes, { columns: stored, rowGroups: [index] });
      for (const batch of table.batches) {
        const length = batch.numRows;
        const source = new Data(new Struct(table.schema.fields), 0, length, 0, undefined, batch.data.children);
        const children = fields.map((field) => (partitionColumns.has(field.name)
          ? constantData(field.type, partitions[field.name] ?? null, length)
          : conformData(source, { kind: 'struct', fields: [field] }, mode, '').children[0] as Data));
        const logical = new RecordBatch(arrowSchema, new Data(new Struct(arrowSchema.fields), 0, length, 0, undefined, children));
        out.push(deleted ? filterBatch(logical, keepMask(deleted, rowOffset, length)) : logical);
        rowOffset += length;
      }
    }
  } catch (error) {
    if (error instanceof ParquetDecodeError) {
      throw new DeltaError('DELTA_CORRUPT_PARQUET', `Data file ${path} is not a readable Parquet file: ${error.message}`);
    }
    throw error;
  }
  return out;
}
