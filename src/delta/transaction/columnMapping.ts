import { randomUUID } from 'node:crypto';
import {
  COLUMN_MAPPING_ID_KEY, COLUMN_MAPPING_PHYSICAL_NAME_KEY, columnMappingId, type DataType, type StructField, type StructType,
} from '../schema';

export const MAX_COLUMN_ID_KEY = 'delta.columnMapping.maxColumnId';

/**
 * Gives every field (nested ones too) a column id and a physical name ("Column Mapping" in
 * PROTOCOL.md). Fields that already have them keep them; new ids continue after `maxColumnId`.
 * Physical names are `col-<uuid>`, like Spark, so a renamed or re-added column never collides
 * with data written under an old name.
 */
export function assignColumnMapping(schema: StructType, maxColumnId = 0): { schema: StructType; maxColumnId: number } {
  let next = Math.max(maxColumnId, highestId(schema));
  const assignStruct = (struct: StructType): StructType => ({ kind: 'struct', fields: struct.fields.map(assignField) });
  const assignType = (type: DataType): DataType => {
    switch (type.kind) {
      case 'struct': return assignStruct(type);
      case 'array': return { ...type, elementType: assignType(type.elementType) };
      case 'map': return { ...type, keyType: assignType(type.keyType), valueType: assignType(type.valueType) };
      default: return type;
    }
  };
  function assignField(field: StructField): StructField {
    const metadata = { ...field.metadata };
    if (columnMappingId(field) === undefined) metadata[COLUMN_MAPPING_ID_KEY] = ++next;
    if (typeof metadata[COLUMN_MAPPING_PHYSICAL_NAME_KEY] !== 'string') metadata[COLUMN_MAPPING_PHYSICAL_NAME_KEY] = `col-${randomUUID()}`;
    return { ...field, type: assignType(field.type), metadata };
  }
  const assigned = assignStruct(schema);
  return { schema: assigned, maxColumnId: next };
}

function highestId(type: DataType): number {
  switch (type.kind) {
    case 'struct':
      return Math.max(0, ...type.fields.map((f) => Math.max(columnMappingId(f) ?? 0, highestId(f.type))));
    case 'array': return highestId(type.elementType);
    case 'map': return Math.max(highestId(type.keyType), highestId(type.valueType));
    default: return 0;
  }
}
