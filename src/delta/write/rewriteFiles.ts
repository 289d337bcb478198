import type { RecordBatch } from 'apache-arrow';
import type { AddFile } from '../actions';
import { findMatches, type FileMatches, type FileRewrite, type RewriteContext, type RowMatch } from './rewriteFile';

/** How the rows of one data file are picked and changed (see rewriteFile). */
export interface FileChange {
  match: RowMatch;
  /** Sees the matched live rows: writes their new form, records their change. */
  onMatched?: (rows: RecordBatch) => Promise<void>;
}

export interface RewriteFilesOptions {
  /** The top-level columns `match` reads (see rewriteFile). */
  matchColumns?: readonly string[];
  signal?: AbortSignal;
  /** Called with each file's result, in order. */
  onRewritten?: (file: AddFile, rewrite: FileRewrite, index: number) => void;
  /**
   * Other work of this thread, run once the first file's match pass has started and before any
   * file is rewritten: while the first row groups decode in the pool, which this thread would
   * otherwise wait for (MERGE writes the source rows no target row can match then). What it writes
   * through `ctx.writer` comes before the rewritten rows.
   */
  whileFirstFileDecodes?: () => Promise<void>;
}

/**
 * Rewrites `files` in order with the change `changeOf` gives for each, staging exactly what
 * rewriteFile one file after the other stages. With decodeAhead and match columns, one file
 * apart: the next file's matches are found (its match columns decoded in the worker pool) while
 * this file's rows are written, and its every-column pass starts decoding when this file's pass
 * reaches its last row group (earlier would hold a third decoded group: ~150 MiB more peak in the
 * writer bench, for no shorter wall). This thread then rarely waits for the pool at a file's start (MERGE of 1M rows
 * into 4 files of 2.5M rows: ~0.2 s idle per file before). The first file's every-column pass
 * starts with its match pass (rewriteLikely): nothing else would keep the pool busy meanwhile, and
 * a cold worker took ~0.35 s over the first row group, which this thread waited for (the first
 * batch came ~40 ms sooner; dropped unread when the file has no match). Without decodeAhead both passes decode
 * on this thread, where running them side by side gains nothing; without match columns the first
 * pass keeps every column, which must not be held for two files at once.
 */
export async function rewriteFiles(
  ctx: RewriteContext,
  files: readonly AddFile[],
  changeOf: (file: AddFile) => FileChange | Promise<FileChange>,
  options: RewriteFilesOptions = {},
): Promise<void> {
  const { matchColumns, signal, onRewritten, whileFirstFileDecodes } = options;
  const lookAhead = ctx.decodeAhead === true && matchColumns !== undefined;
  const find = async (file: AddFile, besideAnother: boolean): Promise<FileMatches> => {
    const { match, onMatched } = await changeOf(file);
    return findMatches(ctx, file, match, onMatched, matchColumns, besideAnother, lookAhead && !besideAnother);
  };
  let next: Promise<FileMatches> | undefined;
  try {
    if (whileFirstFileDecodes) {
      next = files[0] ? find(files[0], false) : undefined;
      // Awaited by the loop below (or dropped in finally when the other work fails): never unhandled.
      next?.catch(() => undefined);
      await whileFirstFileDecodes();
    }
    for (const [index, file] of files.entries()) {
      signal?.throwIfAborted();
      const current = await (next ?? find(file, false));
      next = lookAhead && index + 1 < files.length ? find(files[index + 1] as AddFile, true) : undefined;
      const upcoming = next;
      // Awaited by the next round (or dropped below when this one fails): never unhandled.
      upcoming?.catch(() => undefined);
      const startUpcoming = (): void => { void upcoming?.then((found) => found.startRows(), () => undefined); };
      const rewrite = await current.apply(startUpcoming);
      // A file not rewritten never calls it.
      startUpcoming();
      onRewritten?.(file, rewrite, index);
    }
  } finally {
    // The operation failed with the next file found or being found: its read-ahead ends once it
    // is, without holding up the failure (an abort must not wait for another file's match pass).
    void next?.then((found) => found.drop(), () => undefined);
  }
}
