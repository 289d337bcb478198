import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';

/** What the newest commit of a table adds and removes, read from its log the same way for both engines. */
export interface CommitFiles {
  version: number;
  filesAdded: number;
  filesRemoved: number;
  /** Bytes of the new data files (a file re-added with a deletion vector is not new; the vector's own file is not counted). */
  bytesAdded: number;
  /**
   * The codecs of the first new data file's column chunks (e.g. `ZSTD`), read from its footer: the
   * ratios are only like for like when both engines compressed with the same codec.
   */
  codec: string;
}

export function lastCommitFiles(table: string): CommitFiles {
  const logDir = join(table, '_delta_log');
  const commits = readdirSync(logDir).filter((name) => /^\d{20}\.json$/.test(name)).sort();
  const newest = commits.at(-1);
  if (newest === undefined) throw new Error(`${table} has no commit`);
  const out: CommitFiles = { version: Number(newest.slice(0, 20)), filesAdded: 0, filesRemoved: 0, bytesAdded: 0, codec: '-' };
  const added: Array<{ path?: unknown; size?: unknown }> = [];
  const removed = new Set<unknown>();
  for (const line of readFileSync(join(logDir, newest), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const action = JSON.parse(line) as { add?: { path?: unknown; size?: unknown }; remove?: { path?: unknown } };
    if (action.add) added.push(action.add);
    if (action.remove) removed.add(action.remove.path);
  }
  out.filesAdded = added.length;
  out.filesRemoved = removed.size;
  const fresh = added.filter((add) => !removed.has(add.path));
  for (const add of fresh) if (typeof add.size === 'number') out.bytesAdded += add.size;
  const first = fresh.find((add) => typeof add.path === 'string');
  if (first) out.codec = fileCodecs(join(table, decodeURIComponent(first.path as string)));
  return out;
}

/** The distinct codecs of a Parquet file's first row group, from its footer (the last MiB holds it here). */
function fileCodecs(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 1 << 20));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const metadata = parquetMetadata(tail);
    const codecs = new Set((metadata.row_groups[0]?.columns ?? []).map((c) => c.meta_data?.codec ?? '?'));
    return [...codecs].join('+');
  } finally {
    closeSync(fd);
  }
}
