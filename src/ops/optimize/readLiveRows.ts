import type { RecordBatch } from 'apache-arrow';
import { filterBatch } from '../../arrow/takeRows';
import type { AddFile } from '../../delta/actions';
import { toArrowSchema } from '../../delta/arrowSchema';
import type { Snapshot } from '../../delta/snapshot';
import { readDataFile, type DataFileContent, type FileRows } from '../../delta/write/fileRows';
import { SourceRowIds } from '../../delta/write/sourceRowIds';
import { joinKeptColumns, type KeptZOrderColumns } from './keptZOrderColumns';
import { SmallFileReader } from './smallFileReader';

/** Files read ahead at most; many small files are bound by I/O latency, not by decoding. */
const MAX_PREFETCH_FILES = 16;

/** How readLiveRows reads, beyond the files. */
export interface ReadLiveRowsOptions {
  /** Parquet bytes read ahead at most. */
  prefetchBytes: number;
  onFileDone?: (file: AddFile) => void;
  /** Long runs of small files are decoded in the Parquet worker pool too (SmallFileReader). */
  parallelDecode?: boolean;
  /** Z-order columns decoded by the sampling pass: of those files only the other columns are decoded. */
  kept?: KeptZOrderColumns;
  /** Told the bytes of each kept file handed over (they leave the cache; the caller holds them). */
  onKeptTaken?: (bytes: number) => void;
}

/**
 * The live rows (deletion vector applied) of data files in order, all table columns, a row group
 * at a time: what a rewrite copies into the new files. Small plain files are read whole with one
 * synchronous read each and decoded a chunk of files at a time into one batch (SmallFileReader,
 * which with `parallelDecode` has the worker pool decode part of them); the other files are
 * fetched ahead while the current one is decoded, as long as their bytes fit `prefetchBytes`. A file whose Z-order
 * columns are `kept` takes the general reader for its other columns and is joined with them.
 */
export async function* readLiveRows(snapshot: Snapshot, files: readonly AddFile[], options: ReadLiveRowsOptions): AsyncGenerator<RecordBatch> {
  const { prefetchBytes, onFileDone, kept } = options;
  const small = new SmallFileReader(snapshot, options.parallelDecode ?? false);
  const direct = files.map((file) => small.accepts(file) && !kept?.has(file.path));
  const arrowSchema = toArrowSchema(snapshot.schema);
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
    const zColumns = kept?.take(file.path);
    let pieces: Iterable<FileRows> | AsyncIterable<FileRows> = content.batches;
    if (zColumns) {
      options.onKeptTaken?.(zColumns.bytes);
      const keptNames = new Set(zColumns.pieces[0]?.batch.schema.fields.map((f) => f.name) ?? []);
      const rest = snapshot.schema.fields.filter((f) => !keptNames.has(f.name)).map((f) => f.name);
      pieces = joinKeptColumns(content.batchesOf(rest), zColumns.pieces, arrowSchema);
    }
    for await (const { batch, live, rowOffset } of pieces) {
      const tracked = ids ? ids.attach(batch, rowOffset) : batch;
      const kept = live ? filterBatch(tracked, live) : tracked;
      if (kept.numRows > 0) yield kept;
    }
    onFileDone?.(file);
  }
}
