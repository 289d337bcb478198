import { MapRow, StructRow, Vector } from 'apache-arrow';

/**
 * Converts a value read from an Arrow row (struct rows, maps, lists, int64 as bigint) into plain
 * JSON-like JS, as the log actions are declared. Used for checkpoint rows only: int64 fields there
 * (sizes, times, versions) are far below 2^53, so they become numbers.
 */
export function toPlainValue(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof MapRow) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) out[String(key)] = toPlainValue(item);
    return out;
  }
  if (value instanceof StructRow) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value.toJSON())) out[key] = toPlainValue(item);
    return out;
  }
  if (value instanceof Vector) return [...value].map(toPlainValue);
  return value;
}

/** Drops null-valued keys, so an absent optional field reads as undefined like in commit JSON. */
export function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) if (item !== null) out[key] = item;
  return out;
}
