import type { Transaction } from '../transaction/transaction';
import { removeActionOf } from './removeAction';

/**
 * Stages the removal of every active file of the transaction's snapshot (a whole-table overwrite),
 * and records them as read, with no predicate, so a concurrent append conflicts instead of
 * surviving the overwrite. Returns how many files it removes.
 */
export function stageRemoveAll(tx: Transaction, snapshot: NonNullable<Transaction['snapshot']>): number {
  const files = snapshot.files();
  tx.readPredicate(undefined);
  tx.readFiles(files);
  const now = Date.now();
  for (const file of files) tx.add(removeActionOf(file, now));
  return files.length;
}
