import type { ObjectStore } from '../storage/objectStore';
import type { Action, AddFile, DomainMetadata, Metadata, Protocol, RemoveFile, Txn } from './actions';
import { readCheckpoint } from './checkpointReader';
import { readCommit } from './commitReader';
import { DeltaError } from './errors';
import { fileActionKey } from './filePaths';
import type { LogSegment } from './logSegment';
import { mapLimit } from '../util/mapLimit';

/** The reconciled state of a table at one version ("Action Reconciliation" in PROTOCOL.md). */
export interface TableState {
  protocol: Protocol;
  metadata: Metadata;
  /** Active files keyed by canonical path + deletion vector id. */
  files: Map<string, AddFile>;
  /** Removed files still inside the retention window, for VACUUM. */
  tombstones: Map<string, RemoveFile>;
  txns: Map<string, Txn>;
  domains: Map<string, DomainMetadata>;
  /** commitInfo.inCommitTimestamp of the newest commit, when it has one. */
  inCommitTimestamp?: number;
}

/** Replays the checkpoint, then every commit after it in order, into a TableState. */
export async function replayLog(store: ObjectStore, segment: LogSegment, tableRoot: string): Promise<TableState> {
  const builder = new StateBuilder(tableRoot);
  if (segment.checkpoint) {
    builder.apply(await readCheckpoint(store, segment.checkpoint));
    builder.requireComplete(`the checkpoint of version ${segment.checkpoint.version}`);
  }
  // Commits are independent files: fetch them concurrently, apply them strictly in order.
  const commits = await mapLimit(segment.commits, 16, (commit) => readCommit(store, commit.path));
  for (const actions of commits) builder.apply(actions);
  builder.requireComplete(`version ${segment.version}`);
  return builder.build();
}

class StateBuilder {
  private protocol?: Protocol;
  private metadata?: Metadata;
  private readonly files = new Map<string, AddFile>();
  private readonly tombstones = new Map<string, RemoveFile>();
  private readonly txns = new Map<string, Txn>();
  private readonly domains = new Map<string, DomainMetadata>();
  private inCommitTimestamp?: number;

  constructor(private readonly tableRoot: string) {}

  apply(actions: Action[]): void {
    this.inCommitTimestamp = undefined;
    for (const action of actions) {
      if (action.protocol) this.protocol = action.protocol;
      else if (action.metaData) this.metadata = action.metaData;
      else if (action.add) {
        const key = fileActionKey(action.add.path, action.add.deletionVector, this.tableRoot);
        this.files.set(key, action.add);
        this.tombstones.delete(key);
      } else if (action.remove) {
        const key = fileActionKey(action.remove.path, action.remove.deletionVector, this.tableRoot);
        this.files.delete(key);
        this.tombstones.set(key, action.remove);
      } else if (action.txn) this.txns.set(action.txn.appId, action.txn);
      else if (action.domainMetadata) {
        if (action.domainMetadata.removed) this.domains.delete(action.domainMetadata.domain);
        else this.domains.set(action.domainMetadata.domain, action.domainMetadata);
      } else if (action.commitInfo && typeof action.commitInfo.inCommitTimestamp === 'number') {
        this.inCommitTimestamp = action.commitInfo.inCommitTimestamp;
      }
    }
  }

  requireComplete(where: string): void {
    if (!this.protocol) {
      throw new DeltaError('DELTA_MISSING_PROTOCOL',
        `The table has no protocol action at ${where}: its log is damaged (a checkpoint or commit is missing its protocol). It cannot be read safely.`);
    }
    if (!this.metadata) {
      throw new DeltaError('DELTA_MISSING_METADATA',
        `The table has no metaData action at ${where}: its log is damaged (a checkpoint or commit is missing its metadata). It cannot be read safely.`);
    }
  }

  build(): TableState {
    return {
      protocol: this.protocol as Protocol,
      metadata: this.metadata as Metadata,
      files: this.files,
      tombstones: this.tombstones,
      txns: this.txns,
      domains: this.domains,
      ...(this.inCommitTimestamp === undefined ? {} : { inCommitTimestamp: this.inCommitTimestamp }),
    };
  }
}
