/**
 * Canonical lines of an NDJSON row dump, so dumps from Python (json.dumps) and from our CLI
 * (JSON.stringify) compare equal when their values are equal: both sides are parsed and printed
 * again by JSON.stringify, which fixes number spelling (1e-07 vs 1e-7, 5.0 vs 5, -0.0 vs 0),
 * then sorted, since row order is not part of a table's contents. Key order is kept: it is the
 * schema order, which the CLI contract fixes.
 */
export function canonicalNdjson(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.stringify(JSON.parse(line)))
    .sort();
}
