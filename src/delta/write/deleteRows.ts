import type { Predicate } from '../predicate/ast';
import { parsePredicate } from '../predicate/parsePredicate';
import { formatPredicate } from '../predicate/formatPredicate';
import { Transaction } from '../transaction/transaction';
import { ChangeDataWriter } from './changeDataWriter';
import { addActionOf } from './dataFileWriter';
import { fileWriterFor, type FileWriterOptions } from './fileWriterFor';
import { stageDelete } from './stageDelete';
import { openTable, type TableLocation } from './tableLocation';
import type { OperationOptions, WriteSummary } from './writeSummary';

export interface DeleteOptions extends OperationOptions, FileWriterOptions {
  /** Use deletion vectors; by default when the table has `delta.enableDeletionVectors` = true. */
  deletionVectors?: boolean;
}

/**
 * DELETE FROM table [WHERE predicate]: one commit removing the matching rows, by copy-on-write or
 * with deletion vectors, writing Change Data Feed files when the table records changes.
 */
export async function deleteRows(location: TableLocation, where: string | Predicate | undefined, options: DeleteOptions = {}): Promise<WriteSummary> {
  const tx = await Transaction.start(await openTable(location));
  const predicate = typeof where === 'string' ? parsePredicate(where, tx.schema) : where;
  const writer = fileWriterFor(tx, options);
  const changes = tx.properties['delta.enableChangeDataFeed'] === 'true' ? new ChangeDataWriter(tx, options) : undefined;
  const deletionVectors = options.deletionVectors ?? tx.properties['delta.enableDeletionVectors'] === 'true';
  try {
    const staged = await stageDelete(tx, predicate, {
      writer,
      deletionVectors,
      ...(changes ? { onDeleted: (rows) => changes.write(rows, 'delete') } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const written = await writer.finish();
    const cdc = changes ? await changes.finish() : [];
    tx.add(...written.map((file) => ({ add: addActionOf(file) })), ...cdc.map((file) => ({ cdc: file })));
    const bytesAdded = written.reduce((n, f) => n + f.size, 0);
    if (staged.rowsRemoved === 0 && staged.filesRemoved === 0) {
      return { version: tx.readVersion, rowsAdded: 0, rowsRemoved: 0, filesAdded: 0, filesRemoved: 0, bytesAdded: 0 };
    }
    const { version } = await tx.commit({
      operation: 'DELETE',
      parameters: { predicate: predicate ? [formatPredicate(predicate)] : [] },
      metrics: {
        numRemovedFiles: staged.filesRemoved,
        numAddedFiles: written.length,
        numDeletedRows: staged.rowsRemoved,
        numCopiedRows: staged.rowsCopied,
        numDeletionVectorsAdded: staged.deletionVectorsAdded,
        numAddedChangeFiles: cdc.length,
        numAddedBytes: bytesAdded,
      },
    }, options.signal ? { signal: options.signal } : {});
    return { version, rowsAdded: 0, rowsRemoved: staged.rowsRemoved, filesAdded: written.length, filesRemoved: staged.filesRemoved, bytesAdded };
  } catch (error) {
    await writer.abort();
    await changes?.abort();
    throw error;
  }
}
