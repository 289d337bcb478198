import type { Field } from 'apache-arrow';
import { schemaToString } from '../schema';
import { assignColumnMapping, MAX_COLUMN_ID_KEY } from '../transaction/columnMapping';
import type { Transaction } from '../transaction/transaction';
import { reconcileWriteSchema } from './writeSchema';

/** Enforces the table schema on the data, or merges the data's schema into it (mergeSchema). */
export function evolveSchema(tx: Transaction, fields: readonly Field[], mergeSchema: boolean): void {
  const typeWidening = tx.properties['delta.enableTypeWidening'] === 'true';
  const result = reconcileWriteSchema(tx.schema, fields, { mergeSchema, typeWidening });
  if (!result.changed) return;
  let schema = result.schema;
  const configuration = { ...tx.properties };
  if (tx.columnMappingMode !== 'none') {
    const assigned = assignColumnMapping(schema, Number(configuration[MAX_COLUMN_ID_KEY] ?? 0));
    schema = assigned.schema;
    configuration[MAX_COLUMN_ID_KEY] = String(assigned.maxColumnId);
  }
  tx.updateMetadata({ ...tx.metadata, schemaString: schemaToString(schema), configuration });
}

