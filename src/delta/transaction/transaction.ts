import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../../storage/objectStore';
import type { Action, AddFile, Metadata, Protocol } from '../actions';
import { readCommit } from '../commitReader';
import { DeltaError } from '../errors';
import { fileActionKey } from '../filePaths';
import { commitPath } from '../logFiles';
import type { Predicate } from '../predicate/ast';
import { parseSchemaString, type ColumnMappingMode, type StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import type { DeltaTable } from '../table';
import { assertWritable, hasFeature } from '../tableFeatures';
import { backoff } from './backoff';
import { buildCommitInfo, type CommitOperation } from './commitInfo';
import { ConcurrentModificationError } from './concurrentModificationError';
import type { EncodedAddFiles } from './encodedAddFiles';
import { checkConflicts, type TransactionFootprint, type WinningCommit } from './conflictChecker';
import {
  assignRowIds, assignsRowIds, highWaterMarkIn, ROW_TRACKING_DOMAIN, rowIdHighWaterMark, rowTrackingEnabled,
  rowTrackingTags, withMaterializedColumnNames,
} from './rowTracking';
import { featuresNeededBy, upgradeProtocol } from './tableProtocol';
import { runPostCommitHooks } from './postCommitHooks';

export type { CommitOperation } from './commitInfo';

export interface CommitResult {
  version: number;
  /** 1 when the first put-if-absent won; more after rebasing over concurrent commits. */
  attempts: number;
  /** The actions written, commitInfo first; files staged with addEncodedFiles are not among them. */
  actions: Action[];
  /** Set when this commit was due a checkpoint and it was written. */
  checkpointVersion?: number;
  /** Why the due checkpoint or the log cleanup after it failed: the commit stands either way. */
  checkpointError?: Error;
}

export interface CommitOptions {
  signal?: AbortSignal;
  /** Put-if-absent attempts before giving up on a busy table. */
  maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 20;
const DEFAULT_CHECKPOINT_INTERVAL = 100;
const ICT_ENABLEMENT_VERSION = 'delta.inCommitTimestampEnablementVersion';
const ICT_ENABLEMENT_TIMESTAMP = 'delta.inCommitTimestampEnablementTimestamp';

/**
 * One optimistic transaction ("Optimistic Concurrency" in PROTOCOL.md): it reads a snapshot,
 * stages actions, and commits them as `_delta_log/<readVersion + 1>.json` by put-if-absent. When
 * another writer got there first, the winning commits are checked against what this transaction
 * read and wrote; without a logical conflict the commit is retried at the next free version.
 */
export class Transaction {
  private readonly staged: Action[] = [];
  private readonly encodedAdds: EncodedAddFiles[] = [];
  private newMetadata?: Metadata;
  private newProtocol?: Protocol;
  private wholeTableRead = false;
  private readonly predicates: Predicate[] = [];
  private readonly readFileKeys = new Set<string>();
  private readonly appIds = new Set<string>();
  private committed = false;

  private constructor(
    readonly store: ObjectStore,
    /** The snapshot this transaction read; undefined while creating a table. */
    readonly snapshot: Snapshot | undefined,
  ) {}

  /** Starts from the latest snapshot (or `readVersion`); for a table that does not exist yet use createTable. */
  static async start(table: DeltaTable, options: { readVersion?: number; appId?: string } = {}): Promise<Transaction> {
    const snapshot = await table.snapshot(options.readVersion === undefined ? {} : { version: options.readVersion });
    assertWritable(snapshot.protocol, snapshot.schema);
    const transaction = new Transaction(table.store, snapshot);
    if (options.appId !== undefined) transaction.appIds.add(options.appId);
    return transaction;
  }

  /** A transaction that creates the table as version 0; createTable.ts builds its protocol and metadata. */
  static forNewTable(store: ObjectStore, protocol: Protocol, metadata: Metadata): Transaction {
    const transaction = new Transaction(store, undefined);
    transaction.newProtocol = protocol;
    transaction.updateMetadata(metadata);
    return transaction;
  }

  /** The version read; -1 for a table being created. */
  get readVersion(): number {
    return this.snapshot?.version ?? -1;
  }

  /** The metadata this transaction commits under: staged, else the snapshot's. */
  get metadata(): Metadata {
    const metadata = this.newMetadata ?? this.snapshot?.metadata;
    if (!metadata) throw new DeltaError('DELTA_MISSING_METADATA', 'The transaction has no table metadata.');
    return metadata;
  }

  get protocol(): Protocol {
    const protocol = this.newProtocol ?? this.snapshot?.protocol;
    if (!protocol) throw new DeltaError('DELTA_MISSING_PROTOCOL', 'The transaction has no table protocol.');
    return protocol;
  }

  get schema(): StructType {
    return this.newMetadata || !this.snapshot ? parseSchemaString(this.metadata.schemaString) : this.snapshot.schema;
  }

  get partitionColumns(): string[] {
    return this.metadata.partitionColumns ?? [];
  }

  get properties(): Record<string, string> {
    return this.metadata.configuration ?? {};
  }

  get columnMappingMode(): ColumnMappingMode {
    const mode = this.properties['delta.columnMapping.mode'];
    return mode === 'name' || mode === 'id' ? mode : 'none';
  }

  /** Stages add/remove/cdc/domainMetadata/txn actions (protocol and metaData have their own methods). */
  add(...actions: Action[]): void {
    this.assertOpen();
    for (const action of actions) {
      if (action.protocol || action.metaData || action.commitInfo) {
        throw new DeltaError('DELTA_INVALID_ARGUMENT',
          'Stage protocol and metadata with updateProtocol/updateMetadata; commitInfo is written by commit().');
      }
      if (action.txn) this.appIds.add(action.txn.appId);
      this.staged.push(action);
    }
  }

  /** Stages new metadata; enabling row tracking also names its hidden materialized columns. */
  updateMetadata(metadata: Metadata): void {
    this.assertOpen();
    this.newMetadata = rowTrackingEnabled(metadata)
      ? { ...metadata, configuration: withMaterializedColumnNames(metadata.configuration ?? {}) }
      : metadata;
  }

  updateProtocol(protocol: Protocol): void {
    this.assertOpen();
    this.newProtocol = protocol;
  }

  /** Records files this transaction's result depends on: a concurrent removal of one is a conflict. */
  readFiles(files: readonly AddFile[]): void {
    const root = this.store.root;
    for (const file of files) this.readFileKeys.add(fileActionKey(file.path, file.deletionVector, root));
  }

  /** Records a predicate this transaction read with (undefined: the whole table): concurrent appends matching it conflict. */
  readPredicate(predicate: Predicate | undefined): void {
    if (predicate === undefined) this.wholeTableRead = true;
    else this.predicates.push(predicate);
  }

  /** The last committed version of an idempotent writer, recording the dependency for conflict checks. */
  txnVersion(appId: string): number | undefined {
    this.appIds.add(appId);
    return this.snapshot?.txnVersion(appId);
  }

  /**
   * Stages add actions of new data files already encoded as commit lines: a commit of many thousands
   * of files (CONVERT) then holds them as bytes, not objects (see EncodedAddFiles). They are written
   * after the staged actions. Not for tables that assign row ids to new files.
   */
  addEncodedFiles(files: EncodedAddFiles): void {
    this.assertOpen();
    this.encodedAdds.push(files);
  }

  /** Stages a `txn` action ("Transaction Identifiers"): readers of txnVersion(appId) then skip this batch. */
  setTxn(appId: string, version: number): void {
    this.add({ txn: { appId, version, lastUpdated: Date.now() } });
  }

  async commit(op: CommitOperation, options: CommitOptions = {}): Promise<CommitResult> {
    this.assertOpen();
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const protocol = this.protocolToCommit();
    const metadata = this.metadata;
    this.validate(protocol, metadata);
    const tracksRows = assignsRowIds(protocol, metadata);
    let highWaterMark = tracksRows ? rowIdHighWaterMark(this.snapshot?.domainMetadata(ROW_TRACKING_DOMAIN)) : -1;
    const footprint = this.footprint();
    const isBlindAppend = op.isBlindAppend ?? this.looksLikeBlindAppend();
    const txnId = randomUUID();
    const tags = this.snapshot ? rowTrackingTags(op.operation, this.snapshot.protocol, this.snapshot.metadata) : undefined;
    const ictEnabled = metadata.configuration?.['delta.enableInCommitTimestamps'] === 'true';
    let previousTimestamp = this.snapshot?.timestamp;
    let version = this.readVersion + 1;

    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      const now = Date.now();
      // In-commit timestamps must increase strictly with the version, whatever the local clock says.
      const inCommitTimestamp = ictEnabled ? Math.max(now, (previousTimestamp ?? 0) + 1) : undefined;
      const actions: Action[] = [{
        commitInfo: buildCommitInfo({
          op, timestamp: inCommitTimestamp ?? now, inCommitTimestamp, isBlindAppend, txnId, ...(tags ? { tags } : {}),
          ...(this.snapshot ? { readVersion: this.snapshot.version } : {}),
        }),
      }];
      if (this.newProtocol || protocol !== this.snapshot?.protocol) actions.push({ protocol });
      if (this.newMetadata) actions.push({ metaData: this.withIctEnablement(metadata, version, inCommitTimestamp) });
      // Fresh row ids depend on the version and on what winners assigned, so each attempt assigns them anew.
      actions.push(...(tracksRows ? assignRowIds(this.staged, version, highWaterMark) : this.staged));

      const lines = new TextEncoder().encode(`${actions.map((a) => JSON.stringify(a)).join('\n')}\n`);
      // Files staged encoded follow, streamed to the store a buffer at a time.
      const body = this.encodedAdds.length === 0 ? lines : withEncodedAdds(lines, this.encodedAdds);
      if (await this.store.putIfAbsent(commitPath(version), body)) {
        this.committed = true;
        const result: CommitResult = { version, attempts: attempt, actions };
        await this.checkpointIfDue(result, metadata);
        runPostCommitHooks({ store: this.store, version, actions, configuration: metadata.configuration ?? {} });
        return result;
      }
      if (!this.snapshot) {
        throw new DeltaError('DELTA_TABLE_EXISTS',
          `A Delta table already exists at ${this.store.root} (another writer created it concurrently).`);
      }
      const winners = await this.readWinners(version);
      // Loaded on a conflict only: stats pruning brings the predicate evaluator, which a first commit never needs.
      const { fileMatchesStats } = await import('../scan/pruning');
      const context = {
        tableRoot: this.store.root,
        mayMatch: (predicate: Predicate, file: AddFile) => fileMatchesStats(predicate, file, this.snapshot as Snapshot),
      };
      for (const winner of winners) {
        checkConflicts(footprint, winner, context);
        highWaterMark = Math.max(highWaterMark, highWaterMarkIn(winner.actions) ?? -1);
        const info = winner.actions.find((a) => a.commitInfo)?.commitInfo;
        const winnerTime = info?.inCommitTimestamp ?? info?.timestamp;
        if (typeof winnerTime === 'number') previousTimestamp = Math.max(previousTimestamp ?? 0, winnerTime);
      }
      version += winners.length;
      if (attempt >= maxAttempts) {
        const last = winners.at(-1);
        const lastOp = last?.actions.find((a) => a.commitInfo)?.commitInfo?.operation;
        throw new ConcurrentModificationError('tooManyAttempts', last?.version ?? version - 1, typeof lastOp === 'string' ? lastOp : 'unknown operation',
          `Gave up after ${attempt} commit attempts: the table is too busy with concurrent writers.`);
      }
      await backoff(attempt, options.signal);
    }
  }

  /** Post-commit hook: a checkpoint every delta.checkpointInterval versions (Spark's CheckpointHook). */
  private async checkpointIfDue(result: CommitResult, metadata: Metadata): Promise<void> {
    const interval = Number(metadata.configuration?.['delta.checkpointInterval'] ?? DEFAULT_CHECKPOINT_INTERVAL);
    if (!Number.isInteger(interval) || interval <= 0 || result.version === 0 || result.version % interval !== 0) return;
    try {
      // Loaded when due only: checkpoints bring the Parquet reader and writer, which most commits never need.
      const [{ writeCheckpoint }, { cleanupExpiredLogs }] = await Promise.all([import('../checkpoint/writeCheckpoint'), import('../checkpoint/logCleanup')]);
      await writeCheckpoint(this.store, result.version);
      result.checkpointVersion = result.version;
      // Like Spark, expired log files are only cleaned up right after a new checkpoint can replace them.
      await cleanupExpiredLogs(this.store, metadata.configuration ?? {});
    } catch (error) {
      result.checkpointError = error instanceof Error ? error : new Error(String(error));
    }
  }

  private assertOpen(): void {
    if (this.committed) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'This transaction has already committed; start a new one.');
  }

  /** The staged protocol, upgraded when new metadata needs features it lacks (as Spark does on SET TBLPROPERTIES). */
  private protocolToCommit(): Protocol {
    const base = this.protocol;
    return this.newMetadata ? upgradeProtocol(base, featuresNeededBy(this.newMetadata)) : base;
  }

  private validate(protocol: Protocol, metadata: Metadata): void {
    assertWritable(protocol, metadata.schemaString ? parseSchemaString(metadata.schemaString) : undefined);
    const appendOnly = metadata.configuration?.['delta.appendOnly'] === 'true';
    for (const action of this.staged) {
      if (appendOnly && action.remove?.dataChange) {
        throw new DeltaError('DELTA_TABLE_APPEND_ONLY',
          `This table is append-only (delta.appendOnly=true): it cannot delete or update rows (the commit would remove ${action.remove.path}). Unset the property to allow it.`);
      }
      const dv = action.add?.deletionVector ?? undefined;
      if (dv && !hasFeature(protocol, 'deletionVectors')) {
        throw new DeltaError('DELTA_FEATURE_NOT_ENABLED',
          `The commit adds a deletion vector to ${action.add?.path}, but the table does not have the deletionVectors feature. Enable delta.enableDeletionVectors first.`);
      }
      if (action.domainMetadata && !hasFeature(protocol, 'domainMetadata')) {
        throw new DeltaError('DELTA_FEATURE_NOT_ENABLED',
          `The commit sets metadata domain "${action.domainMetadata.domain}", but the table does not have the domainMetadata feature.`);
      }
    }
    if (assignsRowIds(protocol, metadata)) {
      if (this.encodedAdds.some((files) => files.count > 0)) {
        throw new DeltaError('DELTA_INVALID_ARGUMENT', 'Files staged encoded cannot be given row ids: stage them with add() on a table with row tracking.');
      }
      this.validateRowTracking(metadata);
    }
    const domains = this.staged.flatMap((a) => (a.domainMetadata ? [a.domainMetadata.domain] : []));
    if (new Set(domains).size !== domains.length) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', 'A commit may hold at most one domainMetadata action per domain.');
    }
  }

  /** The delta.rowTracking domain is the commit's to write; enabling needs every existing file to have row ids. */
  private validateRowTracking(metadata: Metadata): void {
    if (this.staged.some((a) => a.domainMetadata?.domain === ROW_TRACKING_DOMAIN)) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT',
        `The ${ROW_TRACKING_DOMAIN} metadata domain is maintained by the commit itself on row-tracking tables; do not stage it.`);
    }
    if (!this.snapshot || !rowTrackingEnabled(metadata) || rowTrackingEnabled(this.snapshot.metadata)) return;
    const untracked = this.snapshot.files().find((f) => f.baseRowId === undefined || f.baseRowId === null);
    if (untracked) {
      throw new DeltaError('DELTA_FEATURE_NOT_ENABLED',
        `Enabling row tracking on this table needs row ids for its existing files (${untracked.path} has none), a backfill Lakehouse Studio does not do; the table was left unchanged. Create the table with delta.enableRowTracking=true, or enable it with Spark.`);
    }
  }

  private footprint(): TransactionFootprint {
    const root = this.store.root;
    const removedFileKeys = new Set<string>();
    const domains = new Set<string>();
    let changesData = this.newMetadata !== undefined || this.encodedAdds.some((files) => files.count > 0);
    for (const action of this.staged) {
      if (action.remove) removedFileKeys.add(fileActionKey(action.remove.path, action.remove.deletionVector, root));
      if (action.domainMetadata) domains.add(action.domainMetadata.domain);
      if (action.add?.dataChange || action.remove?.dataChange || action.cdc) changesData = true;
    }
    return {
      readWholeTable: this.wholeTableRead,
      readPredicates: this.predicates,
      readFileKeys: this.readFileKeys,
      appIds: this.appIds,
      removedFileKeys,
      domains,
      changesMetadata: this.newMetadata !== undefined || this.newProtocol !== undefined,
      changesData,
    };
  }

  /** Only new data files, nothing read: such a commit cannot be invalidated by other writers' data changes. */
  private looksLikeBlindAppend(): boolean {
    return !this.wholeTableRead && this.predicates.length === 0 && this.readFileKeys.size === 0
      && this.staged.every((a) => (a.add?.dataChange ?? false) || a.txn !== undefined)
      && (this.staged.some((a) => a.add) || this.encodedAdds.some((files) => files.count > 0));
  }

  private withIctEnablement(metadata: Metadata, version: number, inCommitTimestamp: number | undefined): Metadata {
    // Turning in-commit timestamps on for an existing table records where they start ("In-Commit Timestamps").
    const wasEnabled = this.snapshot?.properties['delta.enableInCommitTimestamps'] === 'true';
    if (inCommitTimestamp === undefined || wasEnabled || !this.snapshot) return metadata;
    return {
      ...metadata,
      configuration: {
        ...metadata.configuration,
        [ICT_ENABLEMENT_VERSION]: String(version),
        [ICT_ENABLEMENT_TIMESTAMP]: String(inCommitTimestamp),
      },
    };
  }

  /** Commits other writers made from `version` on, in order. */
  private async readWinners(version: number): Promise<WinningCommit[]> {
    const winners: WinningCommit[] = [];
    for (let v = version; ; v++) {
      if (!(await this.store.head(commitPath(v)))) break;
      winners.push({ version: v, actions: await readCommit(this.store, commitPath(v)) });
    }
    return winners;
  }
}

/** The commit body: the actions' lines, then the lines of files staged encoded. */
async function* withEncodedAdds(lines: Uint8Array, encoded: readonly EncodedAddFiles[]): AsyncGenerator<Uint8Array> {
  yield lines;
  for (const files of encoded) yield* files.chunks();
}
