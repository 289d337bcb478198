import { resolve } from 'node:path';
import { LocalFileStore } from '../storage/localFileStore';
import type { ObjectStore } from '../storage/objectStore';
import { DeltaError } from './errors';
import { readHistory, type HistoryEntry } from './history';
import { buildLogSegment, type LogSegment } from './logSegment';
import { Snapshot } from './snapshot';
import { versionAtTimestamp } from './timeTravel';

export interface SnapshotSelector {
  version?: number;
  /** Milliseconds since the epoch: the latest version committed at or before it. */
  timestamp?: number;
}

/** A Delta table at a location: the entry point for reading snapshots and history. */
export class DeltaTable {
  /** The segment listed by open(), reused by the first snapshot() so opening lists the log once. */
  private openedSegment: LogSegment | undefined;

  private constructor(readonly store: ObjectStore) {}

  /** The table root as an absolute local path. */
  get root(): string {
    return this.store.root;
  }

  static async open(location: string | ObjectStore): Promise<DeltaTable> {
    const store = typeof location === 'string' ? new LocalFileStore(resolve(location)) : location;
    const table = new DeltaTable(store);
    table.openedSegment = await buildLogSegment(store);
    return table;
  }

  async latestVersion(): Promise<number> {
    return (await buildLogSegment(this.store)).version;
  }

  async snapshot(at: SnapshotSelector = {}): Promise<Snapshot> {
    if (at.version !== undefined && at.timestamp !== undefined) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', 'Give either a version or a timestamp, not both.');
    }
    if (at.version !== undefined && (!Number.isInteger(at.version) || at.version < 0)) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `Version must be a non-negative integer, got ${at.version}.`);
    }
    const version = at.timestamp !== undefined ? await versionAtTimestamp(this.store, at.timestamp) : at.version;
    const opened = this.openedSegment;
    this.openedSegment = undefined;
    const segment = opened && (version === undefined || version === opened.version) ? opened : await buildLogSegment(this.store, version);
    return Snapshot.load(this.store, this.store.root, segment);
  }

  history(options: { limit?: number } = {}): Promise<HistoryEntry[]> {
    return readHistory(this.store, options);
  }
}
