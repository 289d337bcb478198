import type { Metadata } from '../actions';
import { DeltaError } from '../errors';
import { formatDataType, parseSchemaString, physicalName, type ColumnMappingMode, type DataType, type StructType } from '../schema';
import type { Snapshot } from '../snapshot';

/** A table schema as of one version: what its data files were written in. */
interface VersionSchema { schema: StructType; partitionColumns: readonly string[]; mode: ColumnMappingMode }

/** A metadata action of the range, at its version. */
export interface SchemaChange { version: number; metadata: Metadata }

/**
 * Refuses a change feed whose rows cannot all be read in the read schema, as Spark's batch
 * readChangeFeed does: first each metadata action after the start version
 * (DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_SCHEMA_CHANGE at that version), then the schema at the
 * start version (DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_DATA_SCHEMA). A schema is readable in the
 * read schema when the read schema only adds columns to it: every column still there under the
 * same name, type and physical name (so a column dropped or renamed under column mapping is not),
 * never turned NOT NULL, and the same partition columns. Spark counts a widened type (integer to
 * long) as a change too.
 */
export function checkChangeFeedSchema(range: { fromVersion: number; toVersion: number }, start: Snapshot, changes: readonly SchemaChange[], read: Snapshot): void {
  const target = versionSchema(read.metadata);
  const split = (version: number): string => `read versions ${range.fromVersion} to ${version - 1} and ${version} to ${range.toVersion} separately`;
  for (const { version, metadata } of changes) {
    if (version <= range.fromVersion) continue;
    const problem = unreadable(versionSchema(metadata), target);
    if (problem) {
      throw new DeltaError('DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_SCHEMA_CHANGE',
        `Cannot read changes for versions ${range.fromVersion} to ${range.toVersion} in the schema of version ${read.version}: the schema change at version ${version} is not only added columns (${problem}); ${split(version)}.`);
    }
  }
  const problem = unreadable(versionSchema(start.metadata), target);
  if (problem) {
    const changed = changes.find((c) => c.version > range.fromVersion);
    const advice = changed ? `the schema changed at version ${changed.version}: ${split(changed.version)}`
      : `the schema changed after version ${range.toVersion}, and a table without column mapping has its changes read in the latest schema (as Spark does)`;
    throw new DeltaError('DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_DATA_SCHEMA',
      `Cannot read changes for versions ${range.fromVersion} to ${range.toVersion} in the schema of version ${read.version}: the data of version ${range.fromVersion} has an incompatible schema (${problem}); ${advice}.`);
  }
}

function versionSchema(metadata: Metadata): VersionSchema {
  const mode = metadata.configuration['delta.columnMapping.mode'];
  return {
    schema: parseSchemaString(metadata.schemaString),
    partitionColumns: metadata.partitionColumns ?? [],
    mode: mode === 'name' || mode === 'id' ? mode : 'none',
  };
}

/** Why rows written in `older` cannot be read in `read`, or undefined when they can. */
function unreadable(older: VersionSchema, read: VersionSchema): string | undefined {
  const lower = (names: readonly string[]): string => names.map((n) => n.toLowerCase()).join(',');
  if (lower(older.partitionColumns) !== lower(read.partitionColumns)) {
    return `partition columns ${older.partitionColumns.join(', ') || 'none'} became ${read.partitionColumns.join(', ') || 'none'}`;
  }
  return structProblem(older.schema, read.schema, older.mode, read.mode, '');
}

function structProblem(older: StructType, read: StructType, olderMode: ColumnMappingMode, readMode: ColumnMappingMode, prefix: string): string | undefined {
  for (const field of older.fields) {
    const name = `${prefix}${field.name}`;
    const match = read.fields.find((f) => f.name.toLowerCase() === field.name.toLowerCase());
    if (!match) return `column ${name} is gone: dropped or renamed`;
    if ((olderMode !== 'none' || readMode !== 'none') && physicalName(field, olderMode) !== physicalName(match, readMode)) {
      return `column ${name} is another column now: dropped and added again, or renamed`;
    }
    if (field.nullable && !match.nullable) return `column ${name} became NOT NULL`;
    const problem = typeProblem(field.type, match.type, olderMode, readMode, name);
    if (problem) return problem;
  }
  return undefined;
}

function typeProblem(older: DataType, read: DataType, olderMode: ColumnMappingMode, readMode: ColumnMappingMode, name: string): string | undefined {
  const changed = `column ${name} changed type from ${formatDataType(older)} to ${formatDataType(read)}`;
  if (older.kind === 'struct' && read.kind === 'struct') return structProblem(older, read, olderMode, readMode, `${name}.`);
  if (older.kind === 'array' && read.kind === 'array') {
    if (older.containsNull && !read.containsNull) return `the elements of ${name} became NOT NULL`;
    return typeProblem(older.elementType, read.elementType, olderMode, readMode, `${name}.element`);
  }
  if (older.kind === 'map' && read.kind === 'map') {
    if (older.valueContainsNull && !read.valueContainsNull) return `the values of ${name} became NOT NULL`;
    return typeProblem(older.keyType, read.keyType, olderMode, readMode, `${name}.key`)
      ?? typeProblem(older.valueType, read.valueType, olderMode, readMode, `${name}.value`);
  }
  if (older.kind === 'primitive' && read.kind === 'primitive') return older.name === read.name ? undefined : changed;
  if (older.kind === 'decimal' && read.kind === 'decimal') return older.precision === read.precision && older.scale === read.scale ? undefined : changed;
  return changed;
}
