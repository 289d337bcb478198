import type { AddFile, DeletionVectorDescriptor } from '../actions';
import { createDeletionVectorFile } from '../deletionVectors/deletionVectorFile';
import { DeltaError } from '../errors';
import type { Transaction } from '../transaction/transaction';

/**
 * Writes a deletion vector marking `deletedRows` (every deleted row of the file: those its current
 * vector holds and the new ones) and stages `file` again with it ("Deletion Vectors" in
 * PROTOCOL.md). The caller stages the file's `remove`. Its stats get `tightBounds: false`, since
 * they now cover deleted rows too.
 */
export async function addWithDeletionVector(ctx: { tx: Transaction; now: number }, file: AddFile, deletedRows: Iterable<number>): Promise<DeletionVectorDescriptor> {
  const dv = createDeletionVectorFile(deletedRows);
  await ctx.tx.store.put(dv.path, dv.bytes).catch((cause: unknown) => {
    // A store's own DeltaError (read-only location, full disk) already names the file and the fix.
    if (cause instanceof DeltaError) throw cause;
    throw new DeltaError('DELTA_IO_ERROR', `Cannot write deletion vector ${dv.path}: ${(cause as Error).message}`, { cause });
  });
  ctx.tx.add({
    add: {
      ...file,
      modificationTime: ctx.now,
      dataChange: true,
      deletionVector: dv.descriptor,
      ...(file.stats ? { stats: withLooseBounds(file.stats) } : {}),
    },
  });
  return dv.descriptor;
}

/** The same statistics marked as possibly wider than the live rows (`tightBounds: false`). */
function withLooseBounds(stats: string): string {
  const existing = /"tightBounds"\s*:\s*(true|false)/;
  if (existing.test(stats)) return stats.replace(existing, '"tightBounds":false');
  return stats.replace(/^\s*\{/, '{"tightBounds":false,');
}
