/** A pattern matching `text` as a whole, for Playwright `hasText` filters (a plain string matches substrings). */
export function exactText(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
