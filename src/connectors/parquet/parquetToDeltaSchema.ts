import { parquetSchema, type FileMetaData, type SchemaElement, type SchemaTree } from 'hyparquet';
import { DeltaError } from '../../delta/errors';
import { primitive, type DataType, type StructField, type StructType } from '../../delta/schema';

/**
 * The Delta schema of a Parquet file, from its footer, following the Parquet LogicalTypes spec
 * including its backward-compatibility rules for LIST and MAP (2-level lists written by old
 * parquet-mr, Hive and Avro, unannotated repeated fields, MAP_KEY_VALUE). Every field is nullable,
 * as Spark makes a Parquet schema before converting it: another file of the same table may hold
 * nulls where this one declares REQUIRED.
 */
export function deltaSchemaFromParquet(metadata: FileMetaData, file: string): StructType {
  const root = parquetSchema(metadata);
  return { kind: 'struct', fields: root.children.map((child) => fieldOf(child, file)) };
}

/**
 * Dotted paths of TIMESTAMP(NANOS) columns. Our scan and delta-rs read them as microseconds, but
 * Spark refuses them (it only reads nanoseconds as longs, behind a legacy flag), so a table that
 * points at such files in place would not be readable by every Delta reader.
 */
export function nanosecondTimestampColumns(metadata: FileMetaData): string[] {
  const out: string[] = [];
  const visit = (node: SchemaTree): void => {
    const logical = node.element.logical_type;
    if (logical?.type === 'TIMESTAMP' && logical.unit === 'NANOS') out.push(node.path.join('.'));
    node.children.forEach(visit);
  };
  visit(parquetSchema(metadata));
  return out;
}

function fieldOf(node: SchemaTree, file: string): StructField {
  const type = node.element.repetition_type === 'REPEATED'
    ? { kind: 'array' as const, elementType: nonRepeatedType(node, file), containsNull: true }
    : typeOf(node, file);
  return { name: node.element.name, type, nullable: true, metadata: {} };
}

/** The type of a field ignoring that it is repeated (its element type, when it is). */
function nonRepeatedType(node: SchemaTree, file: string): DataType {
  if (node.children.length === 0) return leafType(node.element, file, node.path);
  return { kind: 'struct', fields: node.children.map((child) => fieldOf(child, file)) };
}

function typeOf(node: SchemaTree, file: string): DataType {
  const { element } = node;
  if (node.children.length === 0) return leafType(element, file, node.path);
  const annotation = element.logical_type?.type ?? element.converted_type;
  if (annotation === 'LIST') return listType(node, file);
  if (annotation === 'MAP' || annotation === 'MAP_KEY_VALUE') return mapType(node, file);
  return nonRepeatedType(node, file);
}

function listType(node: SchemaTree, file: string): DataType {
  const repeated = node.children[0];
  if (node.children.length !== 1 || repeated?.element.repetition_type !== 'REPEATED') {
    throw unsupported(file, node.path, 'a LIST group must hold exactly one repeated field');
  }
  // LogicalTypes.md "Backward-compatibility rules": the repeated field is itself the element when
  // it is a primitive, has several fields, or carries one of the legacy 2-level names.
  const isElement = repeated.children.length !== 1
    || repeated.element.name === 'array'
    || repeated.element.name === `${node.element.name}_tuple`;
  if (isElement) return { kind: 'array', elementType: nonRepeatedType(repeated, file), containsNull: true };
  return { kind: 'array', elementType: typeOf(repeated.children[0] as SchemaTree, file), containsNull: true };
}

function mapType(node: SchemaTree, file: string): DataType {
  const entries = node.children[0];
  if (node.children.length !== 1 || entries?.element.repetition_type !== 'REPEATED' || entries.children.length < 1 || entries.children.length > 2) {
    throw unsupported(file, node.path, 'a MAP group must hold one repeated key_value group of a key and a value');
  }
  const [key, value] = entries.children as [SchemaTree, SchemaTree | undefined];
  return {
    kind: 'map',
    keyType: typeOf(key, file),
    // A map without values (a set, per the legacy rules) has no Delta type; refuse it below.
    valueType: value ? typeOf(value, file) : unsupportedType(file, node.path, 'a MAP without values'),
    valueContainsNull: true,
  };
}

function leafType(element: SchemaElement, file: string, path: string[]): DataType {
  const logical = element.logical_type;
  const converted = element.converted_type;
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') {
    const precision = logical?.type === 'DECIMAL' ? logical.precision : element.precision;
    const scale = logical?.type === 'DECIMAL' ? logical.scale : element.scale ?? 0;
    if (precision === undefined || precision < 1 || precision > 38) throw unsupported(file, path, `decimal precision ${precision} is outside 1..38`);
    return { kind: 'decimal', precision, scale };
  }
  switch (element.type) {
    case 'BOOLEAN': return primitive('boolean');
    case 'FLOAT': return primitive('float');
    case 'DOUBLE': return primitive('double');
    case 'INT96': return primitive('timestamp');
    case 'INT32': return int32Type(element, file, path);
    case 'INT64': return int64Type(element, file, path);
    case 'BYTE_ARRAY':
      if (logical?.type === 'STRING' || logical?.type === 'ENUM' || logical?.type === 'JSON'
        || converted === 'UTF8' || converted === 'ENUM' || converted === 'JSON') return primitive('string');
      return primitive('binary');
    case 'FIXED_LEN_BYTE_ARRAY':
      if (logical?.type === 'FLOAT16') throw unsupported(file, path, 'FLOAT16 has no Delta type');
      return primitive('binary');
    case undefined:
      throw unsupported(file, path, 'a leaf without a physical type');
  }
}

function int32Type(element: SchemaElement, file: string, path: string[]): DataType {
  const logical = element.logical_type;
  const converted = element.converted_type;
  if (logical?.type === 'DATE' || converted === 'DATE') return primitive('date');
  if (logical?.type === 'TIME' || converted === 'TIME_MILLIS') throw unsupported(file, path, 'TIME has no Delta type');
  const bits = logical?.type === 'INTEGER' ? logical.bitWidth : bitsOf(converted);
  const signed = logical?.type === 'INTEGER' ? logical.isSigned : !converted?.startsWith('UINT_');
  // Unsigned values need the next wider signed type, as Spark reads them.
  const width = signed ? bits : bits * 2;
  if (width <= 8) return primitive('byte');
  if (width <= 16) return primitive('short');
  if (width <= 32) return primitive('integer');
  return primitive('long');
}

function int64Type(element: SchemaElement, file: string, path: string[]): DataType {
  const logical = element.logical_type;
  const converted = element.converted_type;
  if (logical?.type === 'TIMESTAMP') return primitive(logical.isAdjustedToUTC ? 'timestamp' : 'timestamp_ntz');
  // The legacy converted types are defined as UTC instants.
  if (converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return primitive('timestamp');
  if (logical?.type === 'TIME' || converted === 'TIME_MICROS') throw unsupported(file, path, 'TIME has no Delta type');
  const unsigned = logical?.type === 'INTEGER' ? !logical.isSigned : converted === 'UINT_64';
  return unsigned ? { kind: 'decimal', precision: 20, scale: 0 } : primitive('long');
}

function bitsOf(converted: SchemaElement['converted_type']): number {
  if (converted === 'INT_8' || converted === 'UINT_8') return 8;
  if (converted === 'INT_16' || converted === 'UINT_16') return 16;
  return 32;
}

function unsupported(file: string, path: string[], reason: string): DeltaError {
  return new DeltaError('DELTA_INVALID_SCHEMA', `${file}: column ${path.join('.')} cannot be converted: ${reason}.`);
}

function unsupportedType(file: string, path: string[], reason: string): never {
  throw unsupported(file, path, reason);
}
