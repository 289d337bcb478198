/** A toolbar button in VS Code's look (styled by media/panels.css through --vscode-button-* colours). */
export function button(label: string, title: string): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  element.title = title;
  return element;
}
