/** The directory name Hive and Spark use for a NULL partition value. */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

// Hive's FileUtils.escapePathName set: controls, the characters file systems or URIs give a
// meaning to, and '%' itself so that unescaping is unambiguous.
const ESCAPED = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\u007f', '{', '[', ']', '^']);

/** Escapes a partition column name or value for a directory name, as Hive and Spark do (`%XX`). */
export function escapePartitionPathPart(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x20 || ESCAPED.has(char)) out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += char;
  }
  return out;
}

/** `a=1/b=x%3Ay/`: the Hive-style directory of a file with these partition values (in column order). */
export function partitionDirectory(columns: readonly string[], values: Readonly<Record<string, string | null>>): string {
  return columns
    .map((column) => `${escapePartitionPathPart(column)}=${escapePartitionPathPart(values[column] ?? HIVE_DEFAULT_PARTITION)}/`)
    .join('');
}

/**
 * A table-relative file path as the log stores it: a URI reference, so every character outside
 * the unreserved set is percent-encoded (a Hive escape `%3A` becomes `%253A`). '=' and '/' stay.
 */
export function encodeLogPath(relativePath: string): string {
  return relativePath.split('/').map((segment) => encodeURIComponent(segment).replace(/%3D/g, '=')).join('/');
}
