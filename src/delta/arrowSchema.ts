import {
  Binary, Bool, DataType as ArrowType, DateDay, Decimal, Field, Float32, Float64, Int16, Int32, Int64, Int8,
  List, Map_, Schema, Struct, TimestampMicrosecond, Utf8,
} from 'apache-arrow';
import { DeltaError } from './errors';
import type { DataType, StructField, StructType } from './schema';

/**
 * The Arrow form of Delta types, used everywhere between layers. Timestamps are microseconds
 * ("timestamp" with UTC, "timestamp_ntz" without a zone), decimals keep precision and scale
 * (128-bit), dates are days.
 */
export function toArrowType(type: DataType): ArrowType {
  switch (type.kind) {
    case 'primitive':
      switch (type.name) {
        case 'string': return new Utf8();
        case 'long': return new Int64();
        case 'integer': return new Int32();
        case 'short': return new Int16();
        case 'byte': return new Int8();
        case 'float': return new Float32();
        case 'double': return new Float64();
        case 'boolean': return new Bool();
        case 'binary': return new Binary();
        case 'date': return new DateDay();
        case 'timestamp': return new TimestampMicrosecond('UTC');
        case 'timestamp_ntz': return new TimestampMicrosecond(null);
        case 'variant':
          // Variant is stored as a struct of two binaries (metadata, value) in Parquet.
          return new Struct([new Field('value', new Binary(), false), new Field('metadata', new Binary(), false)]);
      }
      break;
    case 'decimal':
      return new Decimal(type.scale, type.precision, 128);
    case 'struct':
      return new Struct(type.fields.map(toArrowField));
    case 'array':
      return new List(new Field('element', toArrowType(type.elementType), type.containsNull));
    case 'map':
    {
      const entries = new Struct<{ key: ArrowType; value: ArrowType }>([
        new Field('key', toArrowType(type.keyType), false),
        new Field('value', toArrowType(type.valueType), type.valueContainsNull),
      ]);
      return new Map_(new Field('key_value', entries, false));
    }
  }
  throw new DeltaError('DELTA_INVALID_SCHEMA', `No Arrow type for ${JSON.stringify(type)}`);
}

export function toArrowField(field: StructField): Field {
  return new Field(field.name, toArrowType(field.type), field.nullable);
}

export function toArrowSchema(schema: StructType): Schema {
  return new Schema(schema.fields.map(toArrowField));
}
