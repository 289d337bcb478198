/** `1 row`, `2 rows`, `0 commits`: a count with its noun in the number it calls for. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
