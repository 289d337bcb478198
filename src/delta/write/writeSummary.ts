import type { ProgressCallback } from '../../util/progress';

/** What a data operation committed: the CLI prints it with --json, the extension shows it. */
export interface WriteSummary {
  /** The version committed; for a write skipped in `ignore` mode, the table's current version. */
  version: number;
  rowsAdded: number;
  rowsRemoved: number;
  filesAdded: number;
  filesRemoved: number;
  bytesAdded: number;
}

/** Options every data operation takes. */
export interface OperationOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}
