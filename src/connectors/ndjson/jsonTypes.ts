import { decimalDigits, parseDecimalText, rescaleDecimal } from '../../delta/predicate/decimal';
import { formatDataType, primitive, type DataType, type StructField } from '../../delta/schema';
import type { Cell } from '../columnBuilder';
import type { TextFormats } from '../textValues';
import { parseTextCell } from '../textValues';
import { JsonNumberText, type JsonValue } from './exactJson';

/** A type being inferred: `null` while only nulls were seen. */
export type InferredType = DataType | null;

/**
 * The type of a field seen only as null (or of the elements of only empty arrays) so far: string
 * if nothing else turns up, but any real type seen later replaces it. Compared by identity.
 */
const UNKNOWN: DataType = primitive('string');

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The type of one JSON value: integers are long (decimal(38,0) beyond it, double beyond that),
 * other numbers double, objects structs, arrays arrays of their elements' merged type.
 */
export function jsonTypeOf(value: JsonValue): InferredType {
  if (value === null) return null;
  if (typeof value === 'boolean') return primitive('boolean');
  if (typeof value === 'string') return primitive('string');
  if (value instanceof JsonNumberText) {
    if (!value.isInteger) return primitive('double');
    const n = BigInt(value.text);
    if (n >= INT64_MIN && n <= INT64_MAX) return primitive('long');
    return value.text.replace('-', '').length <= 38 ? { kind: 'decimal', precision: 38, scale: 0 } : primitive('double');
  }
  if (Array.isArray(value)) {
    const element = value.reduce<InferredType>((type, item) => mergeTypes(type, jsonTypeOf(item)), null);
    return { kind: 'array', elementType: element ?? UNKNOWN, containsNull: true };
  }
  return {
    kind: 'struct',
    fields: Object.entries(value).map(([name, item]): StructField => ({ name, type: jsonTypeOf(item) ?? UNKNOWN, nullable: true, metadata: {} })),
  };
}

/**
 * The type that holds values of both: structs merge their fields, long and a wider integer make
 * decimal(38,0), long and double make double,
 * and anything else that differs becomes string (the value is then kept as its JSON text), as
 * Spark's JSON inference does.
 */
export function mergeTypes(a: InferredType, b: InferredType): InferredType {
  if (a === null || a === UNKNOWN) return b ?? a;
  if (b === null || b === UNKNOWN) return a;
  if (a.kind === 'struct' && b.kind === 'struct') {
    const fields = a.fields.map((field) => {
      const other = b.fields.find((f) => f.name === field.name);
      return other ? { ...field, type: mergeTypes(field.type, other.type) ?? field.type } : field;
    });
    for (const field of b.fields) if (!a.fields.some((f) => f.name === field.name)) fields.push(field);
    return { kind: 'struct', fields };
  }
  if (a.kind === 'array' && b.kind === 'array') {
    return { kind: 'array', elementType: mergeTypes(a.elementType, b.elementType) ?? a.elementType, containsNull: true };
  }
  const key = (t: DataType): string => formatDataType(t);
  if (key(a) === key(b)) return a;
  const numeric = new Set([key(a), key(b)]);
  if ([...numeric].every((k) => k === 'long' || k === 'decimal(38,0)')) return { kind: 'decimal', precision: 38, scale: 0 };
  if ([...numeric].every((k) => k === 'long' || k === 'double' || k === 'decimal(38,0)')) return primitive('double');
  return primitive('string');
}

/** A JSON value as a cell of `type`, or why it is not one (for the bad-row report). */
export function jsonToCell(value: JsonValue, type: DataType, formats: TextFormats, path: string): { value: Cell } | { error: string } {
  if (value === null) return { value: null };
  const bad = (): { error: string } => ({ error: `${path}: ${preview(value)} is not a ${formatDataType(type)}` });
  switch (type.kind) {
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumberText) return bad();
      const out: Record<string, Cell> = {};
      for (const name of Object.keys(value)) {
        if (!type.fields.some((f) => f.name === name)) return { error: `${path ? `${path}.` : ''}${name} is not in the schema` };
      }
      for (const field of type.fields) {
        const child = jsonToCell(value[field.name] ?? null, field.type, formats, path ? `${path}.${field.name}` : field.name);
        if ('error' in child) return child;
        out[field.name] = child.value;
      }
      return { value: out };
    }
    case 'array': {
      if (!Array.isArray(value)) return bad();
      const out: Cell[] = [];
      for (const [i, item] of value.entries()) {
        const child = jsonToCell(item, type.elementType, formats, `${path}[${i}]`);
        if ('error' in child) return child;
        out.push(child.value);
      }
      return { value: out };
    }
    case 'map':
      return { error: `${path}: map columns cannot be read from JSON yet; declare it as a struct` };
    case 'decimal': {
      const text = value instanceof JsonNumberText ? value.text : typeof value === 'string' ? value : undefined;
      const parsed = text === undefined ? undefined : parseDecimalText(text);
      const scaled = parsed && rescaleDecimal(parsed, type.scale, 'exact');
      if (!scaled || decimalDigits(scaled) > type.precision) return bad();
      return { value: scaled.unscaled };
    }
    case 'primitive':
      break;
  }
  if (type.name === 'string') {
    if (typeof value === 'string') return { value };
    // A column of mixed kinds keeps each value as its JSON text.
    return { value: value instanceof JsonNumberText ? value.text : JSON.stringify(value, (_k, v: unknown) => (v instanceof JsonNumberText ? Number(v.text) : v)) };
  }
  if (value instanceof JsonNumberText) {
    if (type.name === 'double' || type.name === 'float' || type.name === 'long' || type.name === 'integer' || type.name === 'short' || type.name === 'byte') {
      const parsed = parseTextCell(value.text, type, formats);
      return 'error' in parsed ? { error: `${path}: ${parsed.error}` } : parsed;
    }
    return bad();
  }
  if (typeof value === 'boolean') return type.name === 'boolean' ? { value } : bad();
  if (typeof value === 'string') {
    if (type.name === 'date' || type.name === 'timestamp' || type.name === 'timestamp_ntz') {
      const parsed = parseTextCell(value, type, formats);
      return 'error' in parsed ? { error: `${path}: ${parsed.error}` } : parsed;
    }
    if (type.name === 'binary') {
      return /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? { value: new Uint8Array(Buffer.from(value, 'base64')) } : { error: `${path}: binary values must be base64 text` };
    }
  }
  return bad();
}

function preview(value: JsonValue): string {
  const text = value instanceof JsonNumberText ? value.text : JSON.stringify(value, (_k, v: unknown) => (v instanceof JsonNumberText ? v.text : v));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
