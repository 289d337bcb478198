/**
 * An element holding plain text. Text goes in through textContent, never as HTML: the values shown
 * come from data files and logs.
 */
export function textElement<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, className?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

/** A container styled by its class (media/panels.css). */
export function div(className: string): HTMLElement {
  const element = document.createElement('div');
  element.className = className;
  return element;
}
