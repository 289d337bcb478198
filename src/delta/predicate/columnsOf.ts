import type { Predicate } from './ast';

/** The distinct column paths a predicate reads, in order of first use (for projection). */
export function columnsOf(predicate: Predicate): string[][] {
  const seen = new Map<string, string[]>();
  const visit = (p: Predicate): void => {
    switch (p.kind) {
      case 'and':
      case 'or':
        visit(p.left);
        visit(p.right);
        return;
      case 'not':
        visit(p.operand);
        return;
      default: {
        const key = JSON.stringify(p.column.path);
        if (!seen.has(key)) seen.set(key, [...p.column.path]);
      }
    }
  };
  visit(predicate);
  return [...seen.values()];
}
