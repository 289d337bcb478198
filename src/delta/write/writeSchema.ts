import { DataType as ArrowType, type Field } from 'apache-arrow';
import { DeltaError } from '../errors';
import { formatDataType, type DataType, type StructField, type StructType } from '../schema';
import { deltaTypeFromArrow } from './deltaTypeFromArrow';

export interface WriteSchemaOptions {
  /** Add the data's extra columns to the table, and widen types when `typeWidening` allows. */
  mergeSchema?: boolean;
  /** The table has `delta.enableTypeWidening` = true. */
  typeWidening?: boolean;
}

export interface WriteSchemaResult {
  /** The table schema after the write: unchanged unless the schema was merged. */
  schema: StructType;
  changed: boolean;
}

const INTEGER_RANK: Record<string, number> = { byte: 1, short: 2, integer: 3, long: 4 };
const INTEGER_DIGITS: Record<string, number> = { byte: 3, short: 5, integer: 10, long: 20 };

/**
 * Schema enforcement for a write ("schema on write"): the data may lack nullable columns (they are
 * written as NULL) and may hold narrower types that convert without loss (int into long, a decimal
 * into a wider decimal); anything else is refused with every difference listed. With mergeSchema,
 * extra columns are added at the end (of the table or of their struct) and, when the table allows
 * type widening, narrower table types are widened to the data's type.
 */
export function reconcileWriteSchema(table: StructType, data: readonly Field[], options: WriteSchemaOptions = {}): WriteSchemaResult {
  const problems: string[] = [];
  const merged = reconcileStruct(table, data, '', options, problems);
  if (problems.length > 0) {
    const hint = options.mergeSchema ? '' : '\nTo add new columns to the table, write with mergeSchema (--merge-schema).';
    throw new DeltaError('DELTA_SCHEMA_MISMATCH',
      `The data does not match the table schema:\n${problems.map((p) => `  - ${p}`).join('\n')}${hint}`);
  }
  return { schema: merged.type, changed: merged.changed };
}

function reconcileStruct(
  table: StructType, data: readonly Field[], parent: string, options: WriteSchemaOptions, problems: string[],
): { type: StructType; changed: boolean } {
  let changed = false;
  const used = new Set<Field>();
  const fields: StructField[] = table.fields.map((field) => {
    const path = parent === '' ? field.name : `${parent}.${field.name}`;
    const match = findArrowField(data, field.name);
    if (!match) {
      if (!field.nullable) problems.push(`missing column ${path} (NOT NULL in the table)`);
      return field;
    }
    used.add(match);
    const result = reconcileType(field.type, match.type as ArrowType, path, options, problems);
    if (!result.changed) return field;
    changed = true;
    const typeChanges = result.widenedFrom
      ? { 'delta.typeChanges': [...typeChangesOf(field), { fromType: formatDataType(result.widenedFrom), toType: formatDataType(result.type) }] }
      : {};
    return { ...field, type: result.type, metadata: { ...field.metadata, ...typeChanges } };
  });
  for (const extra of data.filter((f) => !used.has(f))) {
    const path = parent === '' ? extra.name : `${parent}.${extra.name}`;
    const type = deltaTypeFromArrow(extra.type as ArrowType, path);
    if (!options.mergeSchema) {
      problems.push(`extra column ${path} (${type ? formatDataType(type) : 'null'}) is not in the table`);
      continue;
    }
    if (!type) {
      problems.push(`new column ${path} has only nulls and no type; give it a concrete type`);
      continue;
    }
    fields.push({ name: extra.name, type, nullable: true, metadata: {} });
    changed = true;
  }
  return { type: { kind: 'struct', fields }, changed };
}

interface TypeResult { type: DataType; changed: boolean; widenedFrom?: DataType }

function reconcileType(table: DataType, data: ArrowType, path: string, options: WriteSchemaOptions, problems: string[]): TypeResult {
  const same: TypeResult = { type: table, changed: false };
  const dataType = deltaTypeFromArrow(data, path);
  if (dataType === undefined) return same;
  const mismatch = (): TypeResult => {
    problems.push(`column ${path} is ${formatDataType(table)} in the table but ${formatDataType(dataType)} in the data`);
    return same;
  };
  if (table.kind === 'struct') {
    if (!ArrowType.isStruct(data)) return mismatch();
    const merged = reconcileStruct(table, data.children, path, options, problems);
    return { type: merged.type, changed: merged.changed };
  }
  if (table.kind === 'array') {
    if (dataType.kind !== 'array') return mismatch();
    const element = reconcileType(table.elementType, (data.children[0] as Field).type as ArrowType, `${path}.element`, options, problems);
    return element.changed ? { type: { ...table, elementType: element.type }, changed: true } : same;
  }
  if (table.kind === 'map') {
    if (dataType.kind !== 'map') return mismatch();
    const [key, value] = ((data.children[0] as Field).type as ArrowType).children as [Field, Field];
    const keyResult = reconcileType(table.keyType, key.type as ArrowType, `${path}.key`, options, problems);
    const valueResult = reconcileType(table.valueType, value.type as ArrowType, `${path}.value`, options, problems);
    return keyResult.changed || valueResult.changed
      ? { type: { ...table, keyType: keyResult.type, valueType: valueResult.type }, changed: true }
      : same;
  }
  if (sameType(table, dataType) || convertsLosslessly(dataType, table)) return same;
  if (canWidenTable(table, dataType)) {
    if (options.mergeSchema && options.typeWidening) return { type: dataType, changed: true, widenedFrom: table };
    problems.push(`column ${path} is ${formatDataType(table)} in the table but the wider ${formatDataType(dataType)} in the data`
      + (options.typeWidening ? ' (write with mergeSchema to widen it)' : ' (set delta.enableTypeWidening=true and write with mergeSchema to widen it)'));
    return same;
  }
  return mismatch();
}

function findArrowField(fields: readonly Field[], name: string): Field | undefined {
  return fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

function sameType(a: DataType, b: DataType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether data of type `from` can be stored in a column of type `to` without losing anything. */
export function convertsLosslessly(from: DataType, to: DataType): boolean {
  if (from.kind === 'primitive' && from.name in INTEGER_RANK) {
    if (to.kind === 'primitive' && to.name in INTEGER_RANK) return INTEGER_RANK[to.name]! >= INTEGER_RANK[from.name]!;
    if (to.kind === 'primitive' && to.name === 'double') return from.name !== 'long';
    if (to.kind === 'decimal') return to.precision - to.scale >= INTEGER_DIGITS[from.name]!;
    return false;
  }
  if (from.kind === 'primitive' && from.name === 'float') return to.kind === 'primitive' && to.name === 'double';
  if (from.kind === 'decimal' && to.kind === 'decimal') {
    return to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
  }
  return false;
}

/** The type changes the typeWidening feature allows for a table column ("Type Widening" in PROTOCOL.md). */
function canWidenTable(table: DataType, wider: DataType): boolean {
  if (table.kind === 'primitive' && table.name === 'date') return wider.kind === 'primitive' && wider.name === 'timestamp_ntz';
  return convertsLosslessly(table, wider);
}

function typeChangesOf(field: StructField): unknown[] {
  const existing = field.metadata['delta.typeChanges'];
  return Array.isArray(existing) ? existing : [];
}
