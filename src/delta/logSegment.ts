import type { ObjectMeta, ObjectStore } from '../storage/objectStore';
import { DeltaError } from './errors';
import { LAST_CHECKPOINT, LOG_DIR, padVersion, parseLogFile } from './logFiles';

export interface CommitFile { version: number; path: string; size: number; modifiedMs: number }

export interface CheckpointFiles {
  version: number;
  /** classic: one parquet; multipart: every part in order; v2: one top-level json or parquet file. */
  kind: 'classic' | 'multipart' | 'v2';
  paths: string[];
}

/**
 * The files needed to reconstruct one version of a table: the newest usable checkpoint at or before
 * it, and the contiguous commits after that checkpoint up to the version.
 */
export interface LogSegment {
  version: number;
  checkpoint?: CheckpointFiles;
  commits: CommitFile[];
  /** The commit file of `version` itself (for its timestamp), when it still exists. */
  versionCommit?: CommitFile;
}

interface Listing {
  commits: Map<number, CommitFile>;
  checkpoints: CheckpointFiles[];
  /** Multi-part checkpoints with parts missing (version -> expected parts), for error messages. */
  incomplete: Map<number, number>;
}

/**
 * Lists `_delta_log` and assembles the segment for `targetVersion` (latest when omitted).
 * `_last_checkpoint` is only a hint to list less: when it is missing, unreadable or points at a
 * checkpoint that is not there, the full listing decides ("Last Checkpoint File" in PROTOCOL.md).
 */
export async function buildLogSegment(store: ObjectStore, targetVersion?: number): Promise<LogSegment> {
  const hint = await readLastCheckpointHint(store);
  if (hint !== undefined && (targetVersion === undefined || hint <= targetVersion)) {
    const listing = await listLog(store, hint);
    const segment = trySegment(listing, targetVersion, hint);
    if (segment) return segment;
  }
  const listing = await listLog(store, undefined);
  if (listing.commits.size === 0 && listing.checkpoints.length === 0) {
    throw new DeltaError('DELTA_TABLE_NOT_FOUND',
      `No Delta table at ${store.root}: ${LOG_DIR} is missing or empty. Check the path, or convert the folder with "lakehouse convert".`);
  }
  const segment = trySegment(listing, targetVersion, undefined);
  if (segment) return segment;
  return failSegment(listing, targetVersion);
}

/** The version of the newest commit, without reading any of them. */
export async function latestVersion(store: ObjectStore): Promise<number> {
  return (await buildLogSegment(store)).version;
}

async function readLastCheckpointHint(store: ObjectStore): Promise<number | undefined> {
  try {
    const bytes = await store.get(LAST_CHECKPOINT);
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const version = (parsed as { version?: unknown }).version;
    return typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : undefined;
  } catch {
    return undefined;
  }
}

async function listLog(store: ObjectStore, fromVersion: number | undefined): Promise<Listing> {
  const startAfter = fromVersion === undefined || fromVersion === 0 ? undefined : `${LOG_DIR}${padVersion(fromVersion - 1)}~`;
  const objects: ObjectMeta[] = await store.list(LOG_DIR, startAfter === undefined ? {} : { startAfter });
  const commits = new Map<number, CommitFile>();
  const parts = new Map<string, { version: number; parts: number; paths: (string | undefined)[] }>();
  const checkpoints: CheckpointFiles[] = [];
  const incomplete = new Map<number, number>();
  for (const object of objects) {
    const file = parseLogFile(object.path);
    if (!file) continue;
    switch (file.kind) {
      case 'commit':
        commits.set(file.version, { version: file.version, path: file.path, size: object.size, modifiedMs: object.modifiedMs });
        break;
      case 'checkpoint': {
        if (file.parts === 1) {
          checkpoints.push({ version: file.version, kind: 'classic', paths: [file.path] });
          break;
        }
        const key = `${file.version}/${file.parts}`;
        const group = parts.get(key) ?? { version: file.version, parts: file.parts, paths: Array.from<string | undefined>({ length: file.parts }) };
        group.paths[file.part - 1] = file.path;
        parts.set(key, group);
        break;
      }
      case 'v2Checkpoint':
        checkpoints.push({ version: file.version, kind: 'v2', paths: [file.path] });
        break;
      case 'compaction':
        // Compaction files are an optimisation only; replaying the commits they cover is equivalent.
        break;
    }
  }
  for (const group of parts.values()) {
    // A multi-part checkpoint with a missing part is unusable; an older checkpoint or the commits serve instead.
    if (group.paths.every((p) => p !== undefined)) {
      checkpoints.push({ version: group.version, kind: 'multipart', paths: group.paths as string[] });
    } else {
      incomplete.set(group.version, group.parts);
    }
  }
  checkpoints.sort((a, b) => b.version - a.version || rank(b) - rank(a));
  return { commits, checkpoints, incomplete };
}

/** V2 checkpoints are preferred over classic ones of the same version, then classic over multi-part. */
function rank(checkpoint: CheckpointFiles): number {
  return checkpoint.kind === 'v2' ? 2 : checkpoint.kind === 'classic' ? 1 : 0;
}

function newestVersion(listing: Listing): number {
  let max = -1;
  for (const v of listing.commits.keys()) max = Math.max(max, v);
  for (const c of listing.checkpoints) max = Math.max(max, c.version);
  return max;
}

function trySegment(listing: Listing, targetVersion: number | undefined, hint: number | undefined): LogSegment | undefined {
  const newest = newestVersion(listing);
  if (newest < 0) return undefined;
  const version = targetVersion ?? newest;
  if (version > newest) return undefined;
  const checkpoint = listing.checkpoints.find((c) => c.version <= version);
  if (hint !== undefined && checkpoint?.version !== hint) return undefined;
  const start = checkpoint ? checkpoint.version + 1 : 0;
  const commits: CommitFile[] = [];
  for (let v = start; v <= version; v++) {
    const commit = listing.commits.get(v);
    if (!commit) return undefined;
    commits.push(commit);
  }
  return { version, checkpoint, commits, versionCommit: listing.commits.get(version) };
}

function failSegment(listing: Listing, targetVersion: number | undefined): never {
  const newest = newestVersion(listing);
  const versions = [...listing.commits.keys()].sort((a, b) => a - b);
  if (targetVersion !== undefined && targetVersion > newest) {
    throw new DeltaError('DELTA_VERSION_NOT_FOUND',
      `Version ${targetVersion} does not exist: the latest version of this table is ${newest}.`);
  }
  const version = targetVersion ?? newest;
  const checkpoint = listing.checkpoints.find((c) => c.version <= version);
  const start = checkpoint ? checkpoint.version + 1 : 0;
  const missing: number[] = [];
  for (let v = start; v <= version; v++) if (!listing.commits.has(v)) missing.push(v);
  const earliest = versions[0] ?? newest;
  if (!checkpoint && missing.length > 0 && missing[0] === 0 && missing.every((v) => v < earliest)) {
    const broken = [...listing.incomplete.entries()].find(([v]) => v <= version);
    if (broken) {
      throw new DeltaError('DELTA_CHECKPOINT_PART_MISSING',
        `The checkpoint of version ${broken[0]} has ${broken[1]} parts but not all are present, and the commits before it were removed. The table cannot be read at version ${version}.`);
    }
    const readable = earliestReadable(listing);
    throw new DeltaError('DELTA_VERSION_NOT_FOUND',
      `Version ${version} cannot be reconstructed: commits before version ${earliest} were removed by log retention and no checkpoint covers them. ${readable === undefined ? 'No checkpoint remains, so no version of this table can be read.' : `The earliest readable version is ${readable}.`}`);
  }
  throw new DeltaError('DELTA_VERSIONS_NOT_CONTIGUOUS',
    `The transaction log is not contiguous: commit file(s) for version(s) ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} are missing between ${start} and ${version}. The table is damaged; restore the missing files from a backup.`);
}

function earliestReadable(listing: Listing): number | undefined {
  const checkpoints = [...listing.checkpoints].sort((a, b) => a.version - b.version);
  return checkpoints[0]?.version ?? (listing.commits.has(0) ? 0 : undefined);
}
