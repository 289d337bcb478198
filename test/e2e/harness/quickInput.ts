import type { Page } from 'playwright-core';

/** Types into the open quick input and accepts the first item whose label matches `label` exactly. */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(label);
  const row = page.locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
    .first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/**
 * Accepts `folder` in VS Code's own folder dialog (the quick input code-server shows instead of a
 * native one). The dialog fills its start folder and completes typed paths asynchronously: an Enter
 * that lands while a completion is active navigates into that folder instead of accepting. So: wait
 * for the dialog's own value, type ours, and press Enter until the dialog closes with it.
 */
export async function acceptFolderDialog(page: Page, folder: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value ?? '') !== '', undefined, { timeout: 30_000 });
  for (let attempt = 1; ; attempt++) {
    await input.fill(folder);
    await page.waitForFunction((want) => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value === want, folder, { timeout: 10_000 });
    await input.press('Enter');
    try {
      await widget.waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }
}
