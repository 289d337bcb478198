import type { ObjectStore } from '../storage/objectStore';
import type { Action } from './actions';
import { DeltaError } from './errors';
import { isRecord } from './schema';

const ACTION_KEYS = new Set([
  'protocol', 'metaData', 'add', 'remove', 'cdc', 'txn', 'domainMetadata', 'commitInfo', 'checkpointMetadata', 'sidecar',
]);

/** Reads one commit file (newline-delimited JSON actions). */
export async function readCommit(store: ObjectStore, path: string): Promise<Action[]> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(path);
  } catch (cause) {
    throw new DeltaError('DELTA_FILE_NOT_FOUND', `Cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseCommit(new TextDecoder().decode(bytes), path);
}

export function parseCommit(text: string, path: string): Action[] {
  if (text.trim() === '') {
    throw new DeltaError('DELTA_CORRUPT_COMMIT',
      `Commit file ${path} is empty. A commit always holds at least one action; the file was truncated or written by a broken writer.`);
  }
  const actions: Action[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new DeltaError('DELTA_CORRUPT_COMMIT',
        `Commit file ${path} is corrupt at line ${index + 1}: not valid JSON (${preview(line)}). The file may be truncated.`);
    }
    if (!isRecord(parsed) || !Object.keys(parsed).some((key) => ACTION_KEYS.has(key))) {
      // Unknown action types are ignored by readers ("Actions" in PROTOCOL.md), but a non-object is not an action.
      if (!isRecord(parsed)) {
        throw new DeltaError('DELTA_CORRUPT_COMMIT', `Commit file ${path} line ${index + 1} is not a JSON object.`);
      }
      continue;
    }
    actions.push(parsed as Action);
  }
  return actions;
}

function preview(line: string): string {
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}
