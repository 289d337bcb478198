import type { Predicate } from '../predicate/ast';
import { parsePredicate } from '../predicate/parsePredicate';
import { formatPredicate } from '../predicate/formatPredicate';
import { Transaction } from '../transaction/transaction';
import { DmlWrites, type DmlWriteOptions } from './dmlWrites';
import { stageDelete } from './stageDelete';
import { openTable, type TableLocation } from './tableLocation';
import type { WriteSummary } from './writeSummary';

/**
 * DELETE FROM table [WHERE predicate]: one commit removing the matching rows, by copy-on-write or
 * with deletion vectors, writing Change Data Feed files when the table records changes.
 */
export async function deleteRows(location: TableLocation, where: string | Predicate | undefined, options: DmlWriteOptions = {}): Promise<WriteSummary> {
  const tx = await Transaction.start(await openTable(location));
  const predicate = typeof where === 'string' ? parsePredicate(where, tx.schema) : where;
  const writes = new DmlWrites(tx, options);
  try {
    const staged = await stageDelete(tx, predicate, {
      writer: writes.writer,
      deletionVectors: writes.deletionVectors,
      decodeAhead: writes.decodeAhead,
      ...(writes.recordsChanges ? { onDeleted: (rows) => writes.change(rows, 'delete') } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const { filesAdded, bytesAdded, changeFilesAdded } = await writes.finish();
    if (staged.rowsRemoved === 0 && staged.filesRemoved === 0) {
      return { version: tx.readVersion, rowsAdded: 0, rowsRemoved: 0, filesAdded: 0, filesRemoved: 0, bytesAdded: 0 };
    }
    const version = await writes.commit({
      operation: 'DELETE',
      parameters: { predicate: predicate ? [formatPredicate(predicate)] : [] },
      metrics: {
        numRemovedFiles: staged.filesRemoved,
        numAddedFiles: filesAdded,
        numDeletedRows: staged.rowsRemoved,
        numCopiedRows: staged.rowsCopied,
        numDeletionVectorsAdded: staged.deletionVectorsAdded,
        numAddedChangeFiles: changeFilesAdded,
        numAddedBytes: bytesAdded,
      },
    });
    return { version, rowsAdded: 0, rowsRemoved: staged.rowsRemoved, filesAdded, filesRemoved: staged.filesRemoved, bytesAdded };
  } catch (error) {
    await writes.abort();
    throw error;
  }
}
