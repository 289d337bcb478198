import { DeltaError } from './errors';

/** Delta primitive type names as they appear in the schema JSON ("Schema Serialization Format"). */
export type PrimitiveTypeName =
  | 'string' | 'long' | 'integer' | 'short' | 'byte' | 'float' | 'double' | 'boolean'
  | 'binary' | 'date' | 'timestamp' | 'timestamp_ntz' | 'variant';

export type DataType = PrimitiveType | DecimalType | StructType | ArrayType | MapType;
export interface PrimitiveType { kind: 'primitive'; name: PrimitiveTypeName }
export interface DecimalType { kind: 'decimal'; precision: number; scale: number }
export interface StructType { kind: 'struct'; fields: StructField[] }
export interface ArrayType { kind: 'array'; elementType: DataType; containsNull: boolean }
export interface MapType { kind: 'map'; keyType: DataType; valueType: DataType; valueContainsNull: boolean }

export type FieldMetadata = Record<string, unknown>;
export interface StructField { name: string; type: DataType; nullable: boolean; metadata: FieldMetadata }

export type ColumnMappingMode = 'none' | 'name' | 'id';

const PRIMITIVES = new Set<string>([
  'string', 'long', 'integer', 'short', 'byte', 'float', 'double', 'boolean',
  'binary', 'date', 'timestamp', 'timestamp_ntz', 'variant',
]);
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;

export function primitive(name: PrimitiveTypeName): PrimitiveType {
  return { kind: 'primitive', name };
}

/** Parses `metaData.schemaString`. */
export function parseSchemaString(schemaString: string): StructType {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch (cause) {
    throw new DeltaError('DELTA_INVALID_SCHEMA', `The table schema is not valid JSON: ${(cause as Error).message}`);
  }
  const type = parseDataType(json);
  if (type.kind !== 'struct') throw new DeltaError('DELTA_INVALID_SCHEMA', 'The table schema must be a struct type.');
  return type;
}

export function parseDataType(json: unknown): DataType {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return primitive(json as PrimitiveTypeName);
    if (json === 'decimal') return { kind: 'decimal', precision: 10, scale: 0 };
    const decimal = DECIMAL.exec(json);
    if (decimal) return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
    throw new DeltaError('DELTA_INVALID_SCHEMA', `Unknown data type "${json}" in the table schema.`);
  }
  if (!isRecord(json)) throw new DeltaError('DELTA_INVALID_SCHEMA', `Invalid data type ${JSON.stringify(json)}.`);
  switch (json.type) {
    case 'struct': {
      if (!Array.isArray(json.fields)) throw new DeltaError('DELTA_INVALID_SCHEMA', 'A struct type has no "fields" array.');
      return { kind: 'struct', fields: json.fields.map(parseField) };
    }
    case 'array':
      return { kind: 'array', elementType: parseDataType(json.elementType), containsNull: json.containsNull !== false };
    case 'map':
      return {
        kind: 'map',
        keyType: parseDataType(json.keyType),
        valueType: parseDataType(json.valueType),
        valueContainsNull: json.valueContainsNull !== false,
      };
    default:
      throw new DeltaError('DELTA_INVALID_SCHEMA', `Unknown complex type ${JSON.stringify(json.type)} in the table schema.`);
  }
}

function parseField(json: unknown): StructField {
  if (!isRecord(json) || typeof json.name !== 'string') {
    throw new DeltaError('DELTA_INVALID_SCHEMA', `Invalid struct field ${JSON.stringify(json)}.`);
  }
  return {
    name: json.name,
    type: parseDataType(json.type),
    nullable: json.nullable !== false,
    metadata: isRecord(json.metadata) ? json.metadata : {},
  };
}

/** The schema JSON form of a type, as written into `schemaString`. */
export function dataTypeToJson(type: DataType): unknown {
  switch (type.kind) {
    case 'primitive': return type.name;
    case 'decimal': return `decimal(${type.precision},${type.scale})`;
    case 'struct': return {
      type: 'struct',
      fields: type.fields.map((f) => ({ name: f.name, type: dataTypeToJson(f.type), nullable: f.nullable, metadata: f.metadata })),
    };
    case 'array': return { type: 'array', elementType: dataTypeToJson(type.elementType), containsNull: type.containsNull };
    case 'map': return {
      type: 'map', keyType: dataTypeToJson(type.keyType), valueType: dataTypeToJson(type.valueType),
      valueContainsNull: type.valueContainsNull,
    };
  }
}

export function schemaToString(schema: StructType): string {
  return JSON.stringify(dataTypeToJson(schema));
}

/** A short, SQL-like rendering of a type for messages and the UI, e.g. `array<decimal(10,2)>`. */
export function formatDataType(type: DataType): string {
  switch (type.kind) {
    case 'primitive': return type.name;
    case 'decimal': return `decimal(${type.precision},${type.scale})`;
    case 'struct': return `struct<${type.fields.map((f) => `${f.name}: ${formatDataType(f.type)}`).join(', ')}>`;
    case 'array': return `array<${formatDataType(type.elementType)}>`;
    case 'map': return `map<${formatDataType(type.keyType)}, ${formatDataType(type.valueType)}>`;
  }
}

export const COLUMN_MAPPING_ID_KEY = 'delta.columnMapping.id';
export const COLUMN_MAPPING_PHYSICAL_NAME_KEY = 'delta.columnMapping.physicalName';

/** The name a field has inside data files, given the table's column mapping mode. */
export function physicalName(field: StructField, mode: ColumnMappingMode): string {
  if (mode === 'none') return field.name;
  const physical = field.metadata[COLUMN_MAPPING_PHYSICAL_NAME_KEY];
  if (typeof physical !== 'string') {
    throw new DeltaError('DELTA_INVALID_SCHEMA',
      `Column "${field.name}" has no ${COLUMN_MAPPING_PHYSICAL_NAME_KEY} although column mapping mode is ${mode}.`);
  }
  return physical;
}

export function columnMappingId(field: StructField): number | undefined {
  const id = field.metadata[COLUMN_MAPPING_ID_KEY];
  return typeof id === 'number' ? id : undefined;
}

/** Finds a (possibly nested) field by its logical path; case-sensitive first, then case-insensitive. */
export function findField(schema: StructType, path: readonly string[]): StructField | undefined {
  let current: StructType = schema;
  let found: StructField | undefined;
  for (const [i, name] of path.entries()) {
    found = current.fields.find((f) => f.name === name)
      ?? current.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!found) return undefined;
    if (i < path.length - 1) {
      if (found.type.kind !== 'struct') return undefined;
      current = found.type;
    }
  }
  return found;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
