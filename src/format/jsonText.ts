import type { DataType } from '../delta/schema';
import type { JsonValue } from './jsonValue';

/**
 * JSON text of a value read by `createValueReader`, with object keys in schema order. Plain
 * `JSON.stringify` would move integer-like keys ("1", "2") first, which breaks the column-order contract.
 */
export function jsonText(value: JsonValue, type: DataType): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return numberText(value);
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (type.kind === 'array') return `[${value.map((v) => jsonText(v, type.elementType)).join(',')}]`;
    if (type.kind === 'map') {
      return `[${value.map((pair) => {
        const [k, v] = pair as JsonValue[];
        return `[${jsonText(k, type.keyType)},${jsonText(v, type.valueType)}]`;
      }).join(',')}]`;
    }
    return JSON.stringify(value);
  }
  if (type.kind !== 'struct') return JSON.stringify(value);
  const members = type.fields
    .filter((field) => Object.hasOwn(value, field.name))
    .map((field) => `${JSON.stringify(field.name)}:${jsonText(value[field.name], field.type)}`);
  return `{${members.join(',')}}`;
}

/** Numbers as JS prints them (shortest round-trip), keeping the sign of negative zero. */
export function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * A non-null value as a single text cell (CSV, table): strings as they are, numbers as in JSON,
 * nested values as their JSON text.
 */
export function cellText(value: Exclude<JsonValue, null>, type: DataType): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return String(value);
  return jsonText(value, type);
}
