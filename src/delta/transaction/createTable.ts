import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { LocalFileStore } from '../../storage/localFileStore';
import type { ObjectStore } from '../../storage/objectStore';
import type { Metadata } from '../actions';
import { DeltaError } from '../errors';
import { LOG_DIR, parseLogFile } from '../logFiles';
import { schemaToString, type StructType } from '../schema';
import type { DeltaTable } from '../table';
import { assignColumnMapping, MAX_COLUMN_ID_KEY } from './columnMapping';
import type { CommitOperation } from './commitInfo';
import { featuresNeededBy, isProtocolProperty, protocolForFeatures } from './tableProtocol';
import { Transaction } from './transaction';

export interface TableSpec {
  schema: StructType;
  partitionColumns?: string[];
  properties?: Record<string, string>;
  name?: string;
  description?: string;
}

/**
 * A transaction that creates the table as version 0, so a writer can create it and add its first
 * files in one commit (CREATE TABLE AS SELECT). Fails with DELTA_TABLE_EXISTS when the location
 * already holds a table, and again at commit if another writer creates it first.
 */
export async function startCreateTable(location: string | ObjectStore, spec: TableSpec): Promise<Transaction> {
  const store = typeof location === 'string' ? new LocalFileStore(resolve(location)) : location;
  const existing = (await store.list(LOG_DIR)).find((o) => parseLogFile(o.path) !== undefined);
  if (existing) {
    throw new DeltaError('DELTA_TABLE_EXISTS',
      `A Delta table already exists at ${store.root}. Write to it in append or overwrite mode, or choose another location.`);
  }
  validateSpec(spec);
  const requested = spec.properties ?? {};
  const configuration = Object.fromEntries(Object.entries(requested).filter(([key]) => !isProtocolProperty(key)));
  let schema = spec.schema;
  const mode = configuration['delta.columnMapping.mode'];
  if (mode === 'name' || mode === 'id') {
    const assigned = assignColumnMapping(schema);
    schema = assigned.schema;
    configuration[MAX_COLUMN_ID_KEY] = String(assigned.maxColumnId);
  } else if (mode !== undefined && mode !== 'none') {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `delta.columnMapping.mode must be none, name or id, not "${mode}".`);
  }
  const metadata: Metadata = {
    id: randomUUID(),
    ...(spec.name === undefined ? {} : { name: spec.name }),
    ...(spec.description === undefined ? {} : { description: spec.description }),
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToString(schema),
    partitionColumns: spec.partitionColumns ?? [],
    configuration,
    createdTime: Date.now(),
  };
  const protocol = protocolForFeatures(featuresNeededBy({ ...metadata, configuration: requested }), {
    minReaderVersion: versionProperty(requested, 'delta.minReaderVersion'),
    minWriterVersion: versionProperty(requested, 'delta.minWriterVersion'),
  });
  return Transaction.forNewTable(store, protocol, metadata);
}

/** Creates an empty table (version 0). */
export async function createTable(
  location: string | ObjectStore,
  spec: TableSpec,
  op?: CommitOperation,
): Promise<{ table: DeltaTable; version: 0 }> {
  const transaction = await startCreateTable(location, spec);
  await transaction.commit(op ?? {
    operation: 'CREATE TABLE',
    parameters: {
      isManaged: 'false',
      description: spec.description,
      partitionBy: spec.partitionColumns ?? [],
      properties: transaction.properties,
    },
  });
  // Loaded here, not at the top: startCreateTable's callers (CONVERT) need no table reader.
  const { DeltaTable: Table } = await import('../table');
  return { table: await Table.open(transaction.store), version: 0 };
}

function validateSpec(spec: TableSpec): void {
  const seen = new Set<string>();
  for (const field of spec.schema.fields) {
    const lower = field.name.toLowerCase();
    if (seen.has(lower)) throw new DeltaError('DELTA_INVALID_SCHEMA', `The schema has the column "${field.name}" twice (names are case-insensitive).`);
    seen.add(lower);
  }
  for (const column of spec.partitionColumns ?? []) {
    const field = spec.schema.fields.find((f) => f.name === column);
    if (!field) {
      throw new DeltaError('DELTA_INVALID_SCHEMA',
        `Partition column "${column}" is not a top-level column of the schema (${spec.schema.fields.map((f) => f.name).join(', ')}).`);
    }
    if (field.type.kind !== 'primitive' && field.type.kind !== 'decimal') {
      throw new DeltaError('DELTA_INVALID_SCHEMA', `Partition column "${column}" must have a primitive type, not a ${field.type.kind}.`);
    }
  }
  if (spec.partitionColumns && spec.partitionColumns.length === spec.schema.fields.length && spec.schema.fields.length > 0) {
    throw new DeltaError('DELTA_INVALID_SCHEMA', 'At least one column must not be a partition column: every column would be a directory name.');
  }
}

function versionProperty(properties: Record<string, string>, key: string): number | undefined {
  const raw = properties[key];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new DeltaError('DELTA_INVALID_ARGUMENT', `${key} must be a positive integer, not "${raw}".`);
  return value;
}
