import type { Action, AddFile } from '../actions';
import { fileActionKey } from '../filePaths';
import type { Predicate } from '../predicate/ast';
import { ConcurrentModificationError } from './concurrentModificationError';

/** What a transaction read and wrote, as far as conflicts with other writers are concerned. */
export interface TransactionFootprint {
  /** Read with no predicate: every file of the table mattered. */
  readWholeTable: boolean;
  readPredicates: readonly Predicate[];
  /** fileActionKey of every file read. */
  readFileKeys: ReadonlySet<string>;
  /** txn appIds whose version this transaction looked at or sets. */
  appIds: ReadonlySet<string>;
  /** fileActionKey of every file this transaction removes. */
  removedFileKeys: ReadonlySet<string>;
  domains: ReadonlySet<string>;
  changesMetadata: boolean;
  /** False for pure rearrangements (OPTIMIZE): they cannot be invalidated by new appends. */
  changesData: boolean;
}

export interface WinningCommit { version: number; actions: readonly Action[] }

export interface ConflictContext {
  tableRoot: string;
  /** Whether a file may hold rows matching the predicate (partition values and stats). */
  mayMatch(predicate: Predicate, file: AddFile): boolean;
}

/**
 * Throws ConcurrentModificationError when `winner` invalidates what this transaction did, following
 * the rules of Delta's optimistic concurrency control (Spark's ConflictChecker, WriteSerializable):
 * protocol or metadata changes always conflict; files added by a winner that our reads would have
 * seen conflict (blind appends only when we change the metadata); files removed by a winner that we
 * read or also remove conflict; the same txn appId or domain conflicts. Anything else rebases.
 */
export function checkConflicts(ours: TransactionFootprint, winner: WinningCommit, context: ConflictContext): void {
  const info = winner.actions.find((a) => a.commitInfo)?.commitInfo;
  const operation = typeof info?.operation === 'string' ? info.operation : 'unknown operation';
  const winnerIsBlindAppend = info?.isBlindAppend === true;
  const fail = (kind: ConstructorParameters<typeof ConcurrentModificationError>[0], detail: string): never => {
    throw new ConcurrentModificationError(kind, winner.version, operation, detail);
  };

  for (const action of winner.actions) {
    if (action.protocol) fail('protocolChanged', 'The table protocol changed since this transaction read the table.');
    if (action.metaData) fail('metadataChanged', 'The table metadata (schema, partitioning or properties) changed since this transaction read the table.');
  }

  if (ours.changesData) {
    for (const action of winner.actions) {
      const add = action.add;
      if (!add || !add.dataChange) continue;
      if (winnerIsBlindAppend && !ours.changesMetadata) continue;
      if (ours.readWholeTable || ours.readPredicates.some((p) => context.mayMatch(p, add))) {
        fail('concurrentAppend', `A concurrent write added ${add.path}, which this transaction would have read.`);
      }
    }
  }

  for (const action of winner.actions) {
    const remove = action.remove;
    if (remove) {
      const key = fileActionKey(remove.path, remove.deletionVector, context.tableRoot);
      if (ours.readFileKeys.has(key) || ours.readWholeTable) {
        fail('concurrentDeleteRead', `A concurrent write removed ${remove.path}, which this transaction read.`);
      }
      if (ours.removedFileKeys.has(key)) {
        fail('concurrentDeleteDelete', `A concurrent write also removed ${remove.path}, which this transaction removes.`);
      }
    }
    if (action.txn && ours.appIds.has(action.txn.appId)) {
      fail('concurrentTransaction', `A concurrent write committed version ${action.txn.version} of application "${action.txn.appId}".`);
    }
    if (action.domainMetadata && ours.domains.has(action.domainMetadata.domain)) {
      fail('concurrentDomainMetadata', `A concurrent write changed the metadata domain "${action.domainMetadata.domain}", which this transaction also changes.`);
    }
  }
}
