/** One string per partition, whatever the order of its values' keys: for grouping files by partition. */
export function partitionKey(values: Readonly<Record<string, string | null>> | null | undefined): string {
  return JSON.stringify(Object.entries(values ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
}
