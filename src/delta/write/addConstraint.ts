import { DeltaError } from '../errors';
import type { Snapshot } from '../snapshot';
import { Transaction } from '../transaction/transaction';
import { checkConstraint, ConstraintChecker, CONSTRAINT_PROPERTY_PREFIX } from './constraints';
import { openTable, type TableLocation } from './tableLocation';
import type { OperationOptions } from './writeSummary';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * ALTER TABLE ADD CONSTRAINT name CHECK (expression): every existing row is checked first; when
 * some violate it the constraint is refused with their count and one of them shown. Stored as the
 * table property `delta.constraints.<name>` (which gives the table the checkConstraints feature).
 */
export async function addConstraint(location: TableLocation, name: string, expression: string, options: OperationOptions = {}): Promise<{ version: number }> {
  if (!NAME.test(name)) throw new DeltaError('DELTA_INVALID_ARGUMENT', `Constraint name "${name}" must be letters, digits and underscores.`);
  const tx = await Transaction.start(await openTable(location));
  const key = `${CONSTRAINT_PROPERTY_PREFIX}${name.toLowerCase()}`;
  if (tx.properties[key] !== undefined) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `The table already has a constraint ${name} (${tx.properties[key]}); drop it first.`);
  }
  const constraint = checkConstraint(name, expression, tx.schema);
  const checker = new ConstraintChecker([constraint], tx.schema);
  const scan = (tx.snapshot as Snapshot).scan({
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  tx.readPredicate(undefined);
  for await (const batch of scan.batches()) checker.check(batch);
  checker.throwIfViolated(`Adding constraint ${name}`);
  tx.updateMetadata({ ...tx.metadata, configuration: { ...tx.properties, [key]: expression } });
  const { version } = await tx.commit({ operation: 'ADD CONSTRAINT', parameters: { name, expr: expression } }, options.signal ? { signal: options.signal } : {});
  return { version };
}
