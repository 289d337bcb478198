import {
  DataType as ArrowType, Type, type Decimal, type Dictionary, type Field, type Int, type Schema, type Timestamp,
} from 'apache-arrow';
import { DeltaError } from '../errors';
import { primitive, type DataType, type StructField, type StructType } from '../schema';

/**
 * The Delta type of an Arrow type, for data coming from outside the engine (files, connectors).
 * Unsigned integers take the next wider signed type; dictionaries their value type; Null (a column
 * whose every value is null) has no type and gives undefined, so the table's type is used.
 */
export function deltaTypeFromArrow(type: ArrowType, column: string): DataType | undefined {
  const unsupported = (): never => {
    throw new DeltaError('DELTA_SCHEMA_MISMATCH', `Column "${column}" has Arrow type ${String(type)}, which Delta cannot store.`);
  };
  switch (type.typeId) {
    case Type.Null:
      return undefined;
    case Type.Bool:
      return primitive('boolean');
    case Type.Int: {
      const int = type as Int;
      const bits = int.isSigned ? int.bitWidth : int.bitWidth * 2;
      if (bits > 64) return unsupported();
      return primitive(bits === 8 ? 'byte' : bits === 16 ? 'short' : bits === 32 ? 'integer' : 'long');
    }
    case Type.Float:
      return primitive(ArrowType.isFloat(type) && type.precision === 2 ? 'double' : 'float');
    case Type.Utf8:
    case Type.LargeUtf8:
      return primitive('string');
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return primitive('binary');
    case Type.Date:
      return primitive('date');
    case Type.Timestamp:
      return primitive((type as Timestamp).timezone ? 'timestamp' : 'timestamp_ntz');
    case Type.Decimal: {
      const decimal = type as Decimal;
      if (decimal.precision > 38) return unsupported();
      return { kind: 'decimal', precision: decimal.precision, scale: decimal.scale };
    }
    case Type.Struct:
      return structFromArrowFields(type.children, column);
    case Type.List:
    case Type.FixedSizeList: {
      const child = type.children[0] as Field;
      const element = deltaTypeFromArrow(child.type as ArrowType, `${column}.element`) ?? unsupported();
      return { kind: 'array', elementType: element, containsNull: child.nullable };
    }
    case Type.Map: {
      const entries = (type.children[0] as Field).type as ArrowType;
      const [key, value] = entries.children as [Field, Field];
      return {
        kind: 'map',
        keyType: deltaTypeFromArrow(key.type as ArrowType, `${column}.key`) ?? unsupported(),
        valueType: deltaTypeFromArrow(value.type as ArrowType, `${column}.value`) ?? unsupported(),
        valueContainsNull: value.nullable,
      };
    }
    case Type.Dictionary:
      return deltaTypeFromArrow((type as Dictionary).dictionary, column);
    default:
      return unsupported();
  }
}


/** The Delta schema of Arrow data; Null-typed columns become strings (nothing better is known). */
export function deltaSchemaFromArrow(schema: Schema): StructType {
  return structFromArrowFields(schema.fields, '', true);
}

function structFromArrowFields(fields: readonly Field[], parent: string, nullAsString = false): StructType {
  const out: StructField[] = fields.map((field) => {
    const path = parent === '' ? field.name : `${parent}.${field.name}`;
    const type = deltaTypeFromArrow(field.type as ArrowType, path);
    if (!type && !nullAsString) {
      throw new DeltaError('DELTA_SCHEMA_MISMATCH', `Nested column "${path}" has no type (Arrow Null); give it a concrete type.`);
    }
    return { name: field.name, type: type ?? primitive('string'), nullable: field.nullable || type === undefined, metadata: {} };
  });
  return { kind: 'struct', fields: out };
}
