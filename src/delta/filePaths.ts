import type { DeletionVectorDescriptor } from './actions';
import { DeltaError } from './errors';

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/**
 * The identity of a file in log replay. Paths in the log are URL-encoded and may be relative to the
 * table root or absolute (`/x`, `file:/x`, `file:///x`): all spellings of one file must match, or a
 * remove would fail to cancel its add.
 */
export function canonicalFilePath(path: string, tableRoot: string): string {
  if (SCHEME.test(path)) {
    const url = new URL(path);
    return `${url.protocol}//${url.host}${safeDecode(url.pathname)}`;
  }
  if (path.startsWith('/')) return `file://${safeDecode(path)}`;
  // Hot path of log replay (once per action): most relative paths have nothing to decode.
  const relative = path.includes('%') ? safeDecode(path) : path;
  return `file://${tableRoot.endsWith('/') ? tableRoot.slice(0, -1) : tableRoot}/${relative}`;
}

/** Replay key of an add/remove: the file plus its deletion vector ("Reconciliation" in PROTOCOL.md). */
export function fileActionKey(path: string, deletionVector: DeletionVectorDescriptor | null | undefined, tableRoot: string): string {
  const file = canonicalFilePath(path, tableRoot);
  if (!deletionVector) return file;
  const offset = deletionVector.offset === null || deletionVector.offset === undefined ? '' : `@${deletionVector.offset}`;
  return `${file}#${deletionVector.storageType}${deletionVector.pathOrInlineDv}${offset}`;
}

/**
 * Where a data file lives relative to the table root, for reading it through the table's store.
 * Absolute paths inside the root are accepted; anything outside it is refused, since a log that
 * points elsewhere would make a reader touch files it was never given.
 */
export function resolveDataFilePath(path: string, tableRoot: string): string {
  const canonical = canonicalFilePath(path, tableRoot);
  const root = `file://${tableRoot.replace(/\/$/, '')}/`;
  if (!canonical.startsWith(root)) {
    throw new DeltaError('DELTA_PATH_OUTSIDE_TABLE',
      `The log references data file "${path}", which is outside the table root ${tableRoot}. Lakehouse Studio only reads files inside the table folder.`);
  }
  const relative = canonical.slice(root.length);
  if (relative.split('/').includes('..')) {
    throw new DeltaError('DELTA_PATH_OUTSIDE_TABLE',
      `The log references data file "${path}", which is outside the table root ${tableRoot} (it climbs out with "..").`);
  }
  return relative;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
