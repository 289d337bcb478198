/** A JSON number written from its exact text (longs beyond 2^53, decimals with all their digits). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type StatsJsonValue = string | number | boolean | JsonNumber | { [key: string]: StatsJsonValue };

/** JSON text of a statistics tree; `JsonNumber` leaves are written verbatim. */
export function stringifyStats(value: StatsJsonValue): string {
  if (value instanceof JsonNumber) return value.text;
  if (typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${stringifyStats(item)}`);
  return `{${entries.join(',')}}`;
}
