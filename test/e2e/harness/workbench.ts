import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { repoRoot } from './e2eEnvironment';

/** Opens the workbench and waits until VS Code has drawn its activity bar. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
}

/** VS Code 1.139 puts the label on the item's link; older builds put it on the item itself. */
export function lakehouseActivity(page: Page): Locator {
  return page.locator('li.action-item[aria-label^="Lakehouse"], li.action-item:has(> a.action-label[aria-label^="Lakehouse"])');
}

/** Opens the Lakehouse container (a click toggles, so only click when the view is not showing). */
export async function openLakehouseSidebar(page: Page): Promise<Locator> {
  const item = lakehouseActivity(page);
  await item.waitFor({ timeout: 60_000 });
  if (!/\bchecked\b/.test(await item.getAttribute('class') ?? '')) await item.click();
  const tree = page.locator('.monaco-list[aria-label="Tables"]');
  await tree.waitFor({ timeout: 30_000 });
  return tree;
}

/** A tree row by its exact label text, e.g. 'Schema' or a column name. */
export function treeRow(tree: Locator, label: string): Locator {
  return tree.locator('.monaco-list-row').filter({ has: tree.page().locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
}

/** Runs a command from the palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
}

export function activeWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
