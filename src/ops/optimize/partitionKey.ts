/** One string per partition, whatever the order of its values' keys: for grouping files by partition. */
export function partitionKey(values: Readonly<Record<string, string | null>> | null | undefined): string {
  const entries = Object.entries(values ?? {});
  // An unpartitioned table's files (all of them, every plan) skip the sort and the JSON.
  if (entries.length === 0) return '[]';
  return JSON.stringify(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}
