import { Data, RecordBatch, Struct, type Schema } from 'apache-arrow';
import { toArrowSchema } from '../arrowSchema';
import { constantData } from '../scan/constantData';
import { primitive, type StructType } from '../schema';
import type { DeltaTable } from '../table';
import type { ProgressCallback } from '../../util/progress';
import type { ChangeFeedBounds } from './changeFeedBounds';
import { changeFeedRange, type ChangeFeedCommit } from './changeFeedCommits';
import { changeSources } from './changeSource';
import { changeRowSchema, readChangeSource } from './changeSourceRows';

export const COMMIT_VERSION_COLUMN = '_commit_version';
export const COMMIT_TIMESTAMP_COLUMN = '_commit_timestamp';

/**
 * The range: `fromVersion` or `startingTimestamp` (ms), and optionally `toVersion` or
 * `endingTimestamp` (the latest version when neither), resolved as Spark's readChangeFeed does.
 */
export interface TableChangesOptions extends ChangeFeedBounds {
  /** Rows per decoded batch (bounds memory); default 65,536. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** The change feed of a version range, ready to stream. */
export interface TableChanges {
  readonly fromVersion: number;
  /** Before fromVersion when two timestamps fell between the same two commits: no changes then. */
  readonly toVersion: number;
  /** The table's columns (as changeFeedRange's `read` has them), then `_change_type`, `_commit_version`, `_commit_timestamp`. */
  readonly schema: StructType;
  readonly arrowSchema: Schema;
  /** Changed rows, commit by commit in version order. */
  batches(): AsyncGenerator<RecordBatch>;
}

/**
 * The Change Data Feed between two versions (Spark's `table_changes`): every row a commit
 * inserted, deleted or updated (pre- and post-image), with the commit's version and timestamp.
 * Refused unless the table recorded change data at every version of the range, and when a schema
 * change in the range is more than added columns (see changeFeedSchema.ts).
 */
export async function tableChanges(table: DeltaTable, options: TableChangesOptions): Promise<TableChanges> {
  const range = await changeFeedRange(table, options);
  const rowSchema = changeRowSchema(range.read.schema);
  const schema: StructType = {
    kind: 'struct',
    fields: [
      ...rowSchema.fields,
      { name: COMMIT_VERSION_COLUMN, type: primitive('long'), nullable: false, metadata: {} },
      { name: COMMIT_TIMESTAMP_COLUMN, type: primitive('timestamp'), nullable: false, metadata: {} },
    ],
  };
  const arrowSchema = toArrowSchema(schema);
  async function* batches(): AsyncGenerator<RecordBatch> {
    for (const [index, commit] of range.commits.entries()) {
      for (const source of changeSources(commit.actions)) {
        options.signal?.throwIfAborted();
        for await (const rows of readChangeSource(range.read, source, options.batchSize)) yield withCommit(rows, commit);
      }
      options.onProgress?.(index + 1, range.commits.length, `version ${commit.version}`);
    }
  }
  function withCommit(rows: RecordBatch, commit: ChangeFeedCommit): RecordBatch {
    const n = rows.numRows;
    const children = [
      ...rows.data.children,
      constantData(primitive('long'), BigInt(commit.version), n),
      constantData(primitive('timestamp'), BigInt(commit.timestamp) * 1000n, n),
    ];
    return new RecordBatch(arrowSchema, new Data(new Struct(arrowSchema.fields), 0, n, 0, undefined, children));
  }
  return { fromVersion: range.fromVersion, toVersion: range.toVersion, schema, arrowSchema, batches };
}
