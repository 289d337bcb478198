import type { DataType as ArrowType, Field } from 'apache-arrow';
import { DeltaError, isDeltaError } from '../../delta/errors';
import { formatDataType, type DataType } from '../../delta/schema';
import { upgradeProtocol } from '../../delta/transaction/tableProtocol';
import type { Transaction } from '../../delta/transaction/transaction';
import { deltaTypeFromArrow } from '../../delta/write/deltaTypeFromArrow';
import { evolveSchema } from '../../delta/write/evolveSchema';
import { convertsLosslessly } from '../../delta/write/writeSchema';

const TYPE_WIDENING = 'delta.enableTypeWidening';

/**
 * Lets the Delta table follow its PostgreSQL source's schema in the transaction about to write the
 * source's rows: columns added at the source are added to the table (mergeSchema), and a column
 * whose source type was widened (int -> bigint, numeric(10,2) -> numeric(12,2), real -> double,
 * date -> timestamp) is widened too, turning on type widening ("Type Widening" in PROTOCOL.md) in
 * the same commit. Anything else (a narrower or different type, a NOT NULL column gone) is refused
 * with every difference listed, before a byte is written.
 */
export function followSourceSchema(tx: Transaction, fields: readonly Field[], source: string): void {
  const widened = widenedColumns(tx, fields);
  if (widened.length > 0 && tx.properties[TYPE_WIDENING] !== 'true') {
    tx.updateMetadata({ ...tx.metadata, configuration: { ...tx.properties, [TYPE_WIDENING]: 'true' } });
    tx.updateProtocol(upgradeProtocol(tx.protocol, ['typeWidening']));
  }
  try {
    evolveSchema(tx, fields, true);
  } catch (error) {
    if (!isDeltaError(error, 'DELTA_SCHEMA_MISMATCH')) throw error;
    throw new DeltaError('SOURCE_SCHEMA_INCOMPATIBLE',
      `The schema of ${source} changed in a way the Delta table cannot follow; nothing of it was written.\n${error.message.replace(/^The data does not match the table schema:\n/, '')}\n`
      + 'Only added columns and widened types (int -> bigint, a wider numeric, real -> double, date -> timestamp) are followed. Load into a new table (for cdc: a new --slot), or change the column back.',
      { cause: error });
  }
}

/** Top-level columns whose source type is a widening of the table's. */
function widenedColumns(tx: Transaction, fields: readonly Field[]): string[] {
  const table = new Map(tx.schema.fields.map((f) => [f.name.toLowerCase(), f.type]));
  return fields.filter((field) => {
    const current = table.get(field.name.toLowerCase());
    const incoming = deltaTypeFromArrow(field.type as ArrowType, field.name);
    return current !== undefined && incoming !== undefined && isWidening(current, incoming);
  }).map((f) => f.name);
}

function isWidening(from: DataType, to: DataType): boolean {
  if (formatDataType(from) === formatDataType(to) || convertsLosslessly(to, from)) return false;
  if (from.kind === 'primitive' && from.name === 'date') return to.kind === 'primitive' && to.name === 'timestamp_ntz';
  return convertsLosslessly(from, to);
}
