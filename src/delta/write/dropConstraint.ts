import { DeltaError } from '../errors';
import { Transaction } from '../transaction/transaction';
import { CONSTRAINT_PROPERTY_PREFIX } from './constraints';
import { openTable, type TableLocation } from './tableLocation';
import type { OperationOptions } from './writeSummary';

/** ALTER TABLE DROP CONSTRAINT [IF EXISTS] name: removes `delta.constraints.<name>`. */
export async function dropConstraint(
  location: TableLocation, name: string, options: OperationOptions & { ifExists?: boolean } = {},
): Promise<{ version: number | undefined }> {
  const tx = await Transaction.start(await openTable(location));
  const key = Object.keys(tx.properties).find((k) => k.toLowerCase() === `${CONSTRAINT_PROPERTY_PREFIX}${name.toLowerCase()}`);
  if (key === undefined) {
    if (options.ifExists) return { version: undefined };
    const existing = Object.keys(tx.properties).filter((k) => k.startsWith(CONSTRAINT_PROPERTY_PREFIX)).map((k) => k.slice(CONSTRAINT_PROPERTY_PREFIX.length));
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `The table has no constraint ${name}${existing.length > 0 ? ` (it has: ${existing.join(', ')})` : ''}.`);
  }
  const configuration = { ...tx.properties };
  const expression = configuration[key];
  delete configuration[key];
  tx.updateMetadata({ ...tx.metadata, configuration });
  const { version } = await tx.commit({ operation: 'DROP CONSTRAINT', parameters: { name, expr: expression } }, options.signal ? { signal: options.signal } : {});
  return { version };
}
