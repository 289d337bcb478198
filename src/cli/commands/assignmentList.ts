import { UsageError } from '../errors';

/**
 * `a=1, b='x, y', c=concat(a, b)`: commas inside quotes or parentheses do not split; the first `=`
 * of an entry separates the column from its value (an expression). `flag` names the option in errors.
 */
export function parseAssignmentList(text: string, command: string, flag = '--set'): Record<string, string> {
  const entries: string[] = [''];
  let quote: string | undefined;
  let depth = 0;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '\'' || char === '"' || char === '`') {
      quote = char;
    } else if (char === '(') {
      depth++;
    } else if (char === ')') {
      depth = Math.max(0, depth - 1);
    } else if (char === ',' && depth === 0) {
      entries.push('');
      continue;
    }
    entries[entries.length - 1] += char;
  }
  if (quote) throw new UsageError(`${flag} has an unclosed ${quote} quote`, command);
  const set: Record<string, string> = {};
  for (const entry of entries.map((e) => e.trim()).filter((e) => e !== '')) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new UsageError(`${flag} entry "${entry}" is not column=expression`, command);
    const column = entry.slice(0, equals).trim().replace(/^`|`$/g, '');
    if (Object.hasOwn(set, column)) throw new UsageError(`${flag} assigns ${column} twice`, command);
    set[column] = entry.slice(equals + 1).trim();
  }
  if (Object.keys(set).length === 0) throw new UsageError(`${flag} needs at least one column=expression`, command);
  return set;
}
