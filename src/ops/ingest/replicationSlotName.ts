import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

/** Every slot this tool names starts so, which also lets a table's log be searched for its slot's txn. */
export const SLOT_NAME_PREFIX = 'lakehouse_';

/**
 * A replication slot name for a pipeline into `target`: PostgreSQL allows at most 63 of [a-z0-9_];
 * the hash of the absolute target keeps two targets fed from the same source on one server apart.
 * `label` is what a person recognises in pg_replication_slots (the source table or pipeline name).
 */
export function replicationSlotName(label: string, target: string): string {
  const base = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 40);
  return `${SLOT_NAME_PREFIX}${base}_${createHash('sha256').update(resolve(target)).digest('hex').slice(0, 8)}`;
}
