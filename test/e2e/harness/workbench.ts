import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { repoRoot } from './e2eEnvironment';
import { exactText } from './exactText';
import { acceptQuickItem, pickQuickItem, quickItem } from './quickInput';
import { UI_TIMEOUT } from './uiTimeout';

/** Opens the workbench and waits until VS Code has drawn its activity bar. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 2 * UI_TIMEOUT });
}

/** VS Code 1.139 puts the label on the item's link; older builds put it on the item itself. */
export function lakehouseActivity(page: Page): Locator {
  return page.locator('li.action-item[aria-label^="Lakehouse"], li.action-item:has(> a.action-label[aria-label^="Lakehouse"])');
}

/**
 * Opens the Lakehouse container and returns its Tables view. A click toggles the container, so it
 * only clicks while the container is not the one showing, and clicks again when a click landed
 * while the workbench was still restoring its layout (the view never came).
 */
export async function openLakehouseSidebar(page: Page): Promise<Locator> {
  const item = lakehouseActivity(page);
  const tree = page.locator('.monaco-list[aria-label="Tables"]');
  await item.waitFor({ timeout: UI_TIMEOUT });
  const deadline = Date.now() + UI_TIMEOUT;
  for (;;) {
    if (!await tree.isVisible() && !/\bchecked\b/.test(await item.getAttribute('class') ?? '')) await item.click();
    try {
      await tree.waitFor({ timeout: 10_000 });
      return tree;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** A tree row by its exact label text, e.g. 'Schema' or a column name. */
export function treeRow(tree: Locator, label: string): Locator {
  return tree.locator('.monaco-list-row').filter({ has: tree.page().locator('.label-name', { hasText: exactText(label) }) });
}

/** Expands (or collapses) the Tables view's row with this label; see setRowExpanded. */
export async function setTreeRowExpanded(tree: Locator, label: string, expanded: boolean): Promise<Locator> {
  return setRowExpanded(treeRow(tree, label).first(), expanded);
}

/**
 * Clicks a tree row until it is expanded (or collapsed) as asked, and returns it. A click on a row
 * the tree re-renders at that moment (a watcher refresh) can be lost; a click that did land is
 * given long enough to show, since a second one would toggle the row back.
 */
export async function setRowExpanded(row: Locator, expanded: boolean): Promise<Locator> {
  const wanted = row.and(row.page().locator(`[aria-expanded="${String(expanded)}"]`));
  await row.waitFor({ timeout: UI_TIMEOUT });
  for (let attempt = 1; ; attempt++) {
    if (await wanted.isVisible()) return row;
    await row.click();
    try {
      await wanted.waitFor({ timeout: UI_TIMEOUT / 2 });
      return row;
    } catch (error) {
      if (attempt === 2) throw error;
    }
  }
}

/**
 * Right-clicks `row` and runs its context menu entry `title`. Monaco menus act on key or mouse-up,
 * so the entry is hovered, then Enter pressed; the menu closes when its action runs. A right-click
 * on a row being re-rendered opens no menu, and an Enter that reached no entry leaves it open:
 * both are tried again.
 */
export async function runContextMenuItem(row: Locator, title: string): Promise<void> {
  const page = row.page();
  const item = page.locator('.monaco-menu .action-label', { hasText: title });
  for (let attempt = 1; ; attempt++) {
    try {
      if (!await item.isVisible()) await row.click({ button: 'right' });
      await item.hover({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await item.waitFor({ state: 'hidden', timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/**
 * Runs a command from the palette by its exact title. The palette first lists recently used
 * commands and filters as typed, so it clicks the row with our title rather than pressing Enter on
 * whatever row is first at that moment; F1 is pressed again when the workbench was not ready for it.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value.startsWith('>'), undefined, { timeout: 15_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  await input.fill(`>${title}`);
  await acceptQuickItem(page, quickItem(page, title));
}

/** Runs "Lakehouse: Preview Data", picks the table labelled `table` and returns the preview's webview. */
export async function previewTable(page: Page, table: string): Promise<FrameLocator> {
  await runCommand(page, 'Lakehouse: Preview Data');
  await pickQuickItem(page, table);
  return activeWebview(page);
}

/** Opens a workspace file by name through Quick Open, which searches as typed: its row is accepted once listed. */
export async function quickOpenFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await acceptQuickItem(page, quickItem(page, name));
}

/** The webview panel showing now (hidden panels keep their frames in the page). */
export function activeWebview(page: Page): FrameLocator {
  return page.locator('iframe.webview.ready').filter({ visible: true }).last().contentFrame().frameLocator('iframe#active-frame');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

