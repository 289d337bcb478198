import { formatDataType, type DataType, type StructField, type StructType } from '../../delta/schema';

/** A file whose schema cannot be merged into the others', and why. */
export interface SchemaConflict {
  file: string;
  /** Dotted column path, e.g. `address.zip`. */
  column: string;
  /** e.g. `string here, but long in part-0001.parquet`. */
  difference: string;
}

const INTEGER_RANK: Record<string, number> = { byte: 1, short: 2, integer: 3, long: 4 };
const MAX_DECIMAL_PRECISION = 38;

/**
 * Merges file schemas into the table schema: the union of columns (a column missing from some
 * files reads as null there), with compatible types widened as Delta type widening and our scan
 * allow: byte < short < integer < long, float < double, decimals to a precision and scale that hold
 * both. Anything else is a conflict naming the file, the column and both types.
 */
export class SchemaReconciler {
  private merged: StructType | undefined;
  /** The first file that gave each dotted column its current type, for conflict messages. */
  private readonly origin = new Map<string, string>();
  readonly conflicts: SchemaConflict[] = [];

  /** Merges one file's schema; false when it conflicts (the merged schema is then unchanged). */
  add(schema: StructType, file: string): boolean {
    if (!this.merged) {
      this.merged = schema;
      this.recordOrigins(schema, [], file);
      return true;
    }
    const conflictsBefore = this.conflicts.length;
    const merged = this.mergeStruct(this.merged, schema, [], file);
    if (this.conflicts.length > conflictsBefore) return false;
    this.merged = merged;
    return true;
  }

  get schema(): StructType | undefined {
    return this.merged;
  }

  private mergeStruct(current: StructType, next: StructType, path: string[], file: string): StructType {
    const fields: StructField[] = current.fields.map((field) => {
      const other = next.fields.find((f) => f.name === field.name);
      if (!other) return field;
      return { ...field, type: this.mergeType(field.type, other.type, [...path, field.name], file) };
    });
    for (const field of next.fields) {
      if (current.fields.some((f) => f.name === field.name)) continue;
      const clash = current.fields.find((f) => f.name.toLowerCase() === field.name.toLowerCase());
      if (clash) {
        this.conflict(file, [...path, field.name], `its name differs only in case from column "${clash.name}" of ${this.origin.get([...path, clash.name].join('.')) ?? 'other files'}`);
        continue;
      }
      fields.push(field);
      this.recordOrigins({ kind: 'struct', fields: [field] }, path, file);
    }
    return { kind: 'struct', fields };
  }

  private mergeType(current: DataType, next: DataType, path: string[], file: string): DataType {
    if (current.kind === 'struct' && next.kind === 'struct') return this.mergeStruct(current, next, path, file);
    if (current.kind === 'array' && next.kind === 'array') {
      return { ...current, elementType: this.mergeType(current.elementType, next.elementType, [...path, 'element'], file) };
    }
    if (current.kind === 'map' && next.kind === 'map') {
      return {
        ...current,
        keyType: this.mergeType(current.keyType, next.keyType, [...path, 'key'], file),
        valueType: this.mergeType(current.valueType, next.valueType, [...path, 'value'], file),
      };
    }
    const widened = widen(current, next);
    if (widened) {
      if (formatDataType(widened) !== formatDataType(current)) this.origin.set(path.join('.'), file);
      return widened;
    }
    this.conflict(file, path, `${formatDataType(next)} here, but ${formatDataType(current)} in ${this.origin.get(path.join('.')) ?? 'other files'}`);
    return current;
  }

  private conflict(file: string, path: string[], difference: string): void {
    this.conflicts.push({ file, column: path.join('.'), difference });
  }

  private recordOrigins(struct: StructType, path: string[], file: string): void {
    for (const field of struct.fields) {
      const fieldPath = [...path, field.name];
      this.origin.set(fieldPath.join('.'), file);
      if (field.type.kind === 'struct') this.recordOrigins(field.type, fieldPath, file);
    }
  }
}

/** The common type of two primitive or decimal types, or undefined when they do not widen. */
export function widen(a: DataType, b: DataType): DataType | undefined {
  if (a.kind === 'decimal' && b.kind === 'decimal') {
    const scale = Math.max(a.scale, b.scale);
    const precision = Math.max(a.precision - a.scale, b.precision - b.scale) + scale;
    return precision <= MAX_DECIMAL_PRECISION ? { kind: 'decimal', precision, scale } : undefined;
  }
  if (a.kind !== 'primitive' || b.kind !== 'primitive') return undefined;
  if (a.name === b.name) return a;
  const rankA = INTEGER_RANK[a.name];
  const rankB = INTEGER_RANK[b.name];
  if (rankA !== undefined && rankB !== undefined) return rankA >= rankB ? a : b;
  const floats = new Set([a.name, b.name]);
  if (floats.size === 2 && floats.has('float') && floats.has('double')) return { kind: 'primitive', name: 'double' };
  return undefined;
}
