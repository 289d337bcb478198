import {
  Data, Field, List, Map_, RecordBatch, Schema, Struct, type DataType as ArrowType,
} from 'apache-arrow';
import { toArrowType } from '../arrowSchema';
import { columnMappingId, physicalName, type ColumnMappingMode, type DataType, type StructField, type StructType } from '../schema';

/** The Arrow field metadata key parquet writers (arrow-rs, parquet-mr) turn into a Parquet field id. */
export const PARQUET_FIELD_ID_KEY = 'PARQUET:field_id';

/**
 * The Arrow type a data file stores for a Delta type: with column mapping, struct fields carry
 * their physical names and their column mapping ids as Parquet field ids ("Column Mapping" in
 * PROTOCOL.md: writers must write both).
 */
export function physicalArrowType(type: DataType, mode: ColumnMappingMode): ArrowType {
  switch (type.kind) {
    case 'struct':
      return new Struct(type.fields.map((f) => physicalArrowField(f, mode)));
    case 'array':
      return new List(new Field('element', physicalArrowType(type.elementType, mode), type.containsNull));
    case 'map': {
      const entries = new Struct([
        new Field('key', physicalArrowType(type.keyType, mode), false),
        new Field('value', physicalArrowType(type.valueType, mode), type.valueContainsNull),
      ]);
      return new Map_(new Field('key_value', entries, false));
    }
    default:
      return toArrowType(type);
  }
}

export function physicalArrowField(field: StructField, mode: ColumnMappingMode): Field {
  const id = mode === 'none' ? undefined : columnMappingId(field);
  const metadata = id === undefined ? undefined : new Map([[PARQUET_FIELD_ID_KEY, String(id)]]);
  return new Field(physicalName(field, mode), physicalArrowType(field.type, mode), field.nullable, metadata);
}

/** The schema of the data files of a table: its non-partition columns, physical. */
export function physicalFileSchema(dataSchema: StructType, mode: ColumnMappingMode): Schema {
  return new Schema(dataSchema.fields.map((f) => physicalArrowField(f, mode)));
}

/**
 * The data-file form of a logical batch (already in the table's Arrow types): only the columns of
 * `fileSchema`'s logical counterpart `dataSchema`, relabelled with physical names; buffers are shared.
 */
export function toPhysicalBatch(batch: RecordBatch, dataSchema: StructType, fileSchema: Schema): RecordBatch {
  const children = dataSchema.fields.map((field, i) => {
    const index = batch.schema.fields.findIndex((f) => f.name === field.name);
    const source = batch.data.children[index];
    if (!source) throw new RangeError(`toPhysicalBatch: the batch has no column "${field.name}".`);
    return relabelData(source, (fileSchema.fields[i] as Field).type as ArrowType);
  });
  const data = new Data(new Struct(fileSchema.fields), 0, batch.numRows, 0, undefined, children);
  return new RecordBatch(fileSchema, data);
}

function relabelData(source: Data, type: ArrowType): Data {
  const children = source.children.map((child, i) => relabelData(child, (type.children[i] as Field).type as ArrowType));
  return new Data(type, source.offset, source.length, source.nullCount,
    [source.valueOffsets as never, source.values as never, source.nullBitmap as never], children);
}
