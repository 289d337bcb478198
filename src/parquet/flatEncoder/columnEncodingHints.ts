import { chunkHasDictionary, type FileMetadata } from '../flatDecoder/fileMetadata';

/**
 * How a column was stored in the file a rewrite copies rows from: with a dictionary, or PLAIN
 * (values that all differ, or a writer that chose none). The flat encoder takes it as the column's
 * first guess where its own sample cannot judge (see FlatParquetEncoder.preferEncodings).
 */
export type ColumnEncodingHint = 'dictionary' | 'plain';

/**
 * Per top-level leaf column of a file (by its stored name), whether its chunk in the first row
 * group has a dictionary (chunkHasDictionary). Nested columns get no hint.
 */
export function columnEncodingHints(metadata: FileMetadata): ReadonlyMap<string, ColumnEncodingHint> {
  const hints = new Map<string, ColumnEncodingHint>();
  const chunks = metadata.rowGroups[0]?.columns;
  if (chunks === undefined) return hints;
  const { schema } = metadata;
  let element = 1;
  let leaf = 0;
  /** Steps over the subtree at `element`, counting its leaves; returns whether it was a leaf. */
  const skip = (): boolean => {
    const children = schema[element++]?.numChildren ?? 0;
    if (children === 0) {
      leaf++;
      return true;
    }
    for (let i = 0; i < children; i++) skip();
    return false;
  };
  for (let i = 0; i < (schema[0]?.numChildren ?? 0); i++) {
    const name = schema[element]?.name;
    const chunk = chunks[leaf];
    if (!skip() || name === undefined || chunk === undefined) continue;
    hints.set(name, chunkHasDictionary(chunk) ? 'dictionary' : 'plain');
  }
  return hints;
}
