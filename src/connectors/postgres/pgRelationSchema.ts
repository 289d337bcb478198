import type pg from 'pg';
import { DeltaError } from '../../delta/errors';
import type { PgoutputMessage } from './pgoutputMessages';
import { describeColumns, type PgSourceColumn, type PgSourceSchema } from './pgSourceSchema';

type Relation = Extract<PgoutputMessage, { tag: 'relation' }>;

/**
 * The source schema a pgoutput Relation message announces (it comes before the first change of a
 * table in a session, and again after each ALTER TABLE), in the message's column order. Columns
 * `current` already has keep their nullability; new ones are nullable, as Delta adds them. The key
 * must survive: a change without its key columns cannot be applied to the right row.
 */
export async function relationSchema(client: pg.Client, message: Relation, current: PgSourceSchema, key: readonly string[]): Promise<PgSourceSchema> {
  const previous = new Map(current.columns.map((c) => [c.name, c]));
  const missingKey = key.filter((name) => !message.columns.some((c) => c.name === name));
  if (missingKey.length > 0) {
    throw new DeltaError('SOURCE_SCHEMA_INCOMPATIBLE',
      `The key column${missingKey.length > 1 ? 's' : ''} ${missingKey.join(', ')} of ${current.table} ${missingKey.length > 1 ? 'were' : 'was'} dropped or renamed at the source: changes can no longer be matched to rows. Nothing after the last commit was written; take a new snapshot with a new --slot.`);
  }
  const columns = await describeColumns(client, message.columns.map((c) => ({
    name: c.name, typeOid: c.typeOid, typmod: c.typmod, nullable: previous.get(c.name)?.nullable ?? true,
  })));
  return {
    ...current, columns,
    deltaSchema: { kind: 'struct', fields: columns.map((c) => ({ name: c.name, type: c.deltaType, nullable: c.nullable, metadata: {} })) },
  };
}

/** Same names, order and decoding: the buffered images and the new changes read alike. */
export function sameColumns(a: readonly PgSourceColumn[], b: readonly PgSourceColumn[]): boolean {
  return a.length === b.length && a.every((column, i) => {
    const other = b[i] as PgSourceColumn;
    return column.name === other.name && JSON.stringify(column.decoder) === JSON.stringify(other.decoder) && column.cast === other.cast;
  });
}

/**
 * Columns added at the source that have a default: ADD COLUMN … DEFAULT gives every existing row the
 * value without logging a change for it (a stored "missing value", or a table rewrite that logical
 * decoding does not show), so those rows' values never reach the stream.
 */
export async function addedColumnsWithDefault(client: pg.Client, table: string, added: readonly string[]): Promise<string[]> {
  if (added.length === 0) return [];
  const result = await client.query<{ attname: string }>(
    'SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attname = ANY($2) AND (atthasdef OR atthasmissing)', [table, added]);
  return result.rows.map((r) => r.attname);
}
