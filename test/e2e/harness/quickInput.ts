import type { Locator, Page } from 'playwright-core';
import { exactText } from './exactText';
import { UI_TIMEOUT } from './uiTimeout';

const WIDGET = '.quick-input-widget';

/** The open quick input's rows whose label is exactly `label` (label texts are matched whole, not as substrings). */
export function quickItem(page: Page, label: string): Locator {
  return page.locator(`${WIDGET} .quick-input-list .monaco-list-row`)
    .filter({ has: page.locator('.label-name', { hasText: exactText(label) }) })
    .first();
}

/**
 * Types into the open quick input and accepts the item whose label is exactly `label`, then waits
 * until the quick input has moved on (closed, or showing the next step). Without that wait, the
 * next step's `fill` could land in this step's input while the extension host, slow on a loaded
 * machine, has not yet swapped it, and a row of this step with the next label would be picked.
 */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  const input = page.locator(`${WIDGET} input`);
  await input.waitFor({ timeout: UI_TIMEOUT });
  await input.fill(label);
  await acceptQuickItem(page, quickItem(page, label));
}

/**
 * Clicks `row` of the open quick input and waits until the quick input closes or shows something
 * else (another title, step or placeholder). A click the list swallowed while re-rendering is
 * repeated; a second accept of the same pick is harmless, a lost one would hang the wizard.
 */
export async function acceptQuickItem(page: Page, row: Locator): Promise<void> {
  await row.waitFor({ timeout: UI_TIMEOUT });
  const before = await quickInputState(page);
  for (let attempt = 1; ; attempt++) {
    await row.click({ timeout: UI_TIMEOUT });
    try {
      await waitForQuickInputChange(page, before, 15_000);
      return;
    } catch (error) {
      if (attempt === 3 || !(await row.isVisible())) throw error;
    }
  }
}

/** What identifies one quick input step on screen; empty when no quick input is showing. */
async function quickInputState(page: Page): Promise<string> {
  return page.evaluate(quickInputSignature, WIDGET);
}

/** Presses Enter in the open quick input and waits until it has moved on (closed or the next step). */
export async function submitQuickInput(page: Page): Promise<void> {
  const before = await quickInputState(page);
  await page.keyboard.press('Enter');
  await waitForQuickInputChange(page, before);
}

/** Waits until the quick input no longer shows the step `before` identifies (polled: the widget is reused between steps). */
async function waitForQuickInputChange(page: Page, before: string, timeoutMs = UI_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await quickInputState(page) === before) {
    if (Date.now() > deadline) throw new Error(`the quick input still shows "${before.replace('\u0000', ' | ')}" after ${timeoutMs} ms`);
    await page.waitForTimeout(100);
  }
}

/**
 * Runs in the page (Playwright ships its source): title with its step counter and placeholder, or
 * '' when the widget is hidden. A function declaration, so no bundler helper ends up in its body.
 */
function quickInputSignature(selector: string): string {
  const widget = document.querySelector<HTMLElement>(selector);
  if (!widget || widget.getClientRects().length === 0) return '';
  const title = widget.querySelector('.quick-input-title')?.textContent ?? '';
  const placeholder = widget.querySelector('input')?.getAttribute('placeholder') ?? '';
  return `${title}\u0000${placeholder}`;
}

/**
 * Replaces the open quick input's value with `value` and waits until the input holds it, so an
 * Enter pressed next accepts our value and not one the extension set a moment later.
 */
export async function fillQuickInput(page: Page, value: string): Promise<void> {
  const input = page.locator(`${WIDGET} input`);
  await input.waitFor({ timeout: UI_TIMEOUT });
  await input.fill(value);
  await page.waitForFunction(({ selector, want }) => document.querySelector<HTMLInputElement>(`${selector} input`)?.value === want,
    { selector: WIDGET, want: value }, { timeout: UI_TIMEOUT });
}

/**
 * Accepts `folder` in VS Code's own folder dialog (the quick input code-server shows instead of a
 * native one). The dialog shows its start folder at once but lists it asynchronously, and when the
 * listing arrives it puts the start folder back into the input: a path typed before that is lost and
 * the Enter accepts the start folder. So wait until the listing is on screen (its rows replace the
 * empty list the dialog opens with). Typed paths are completed asynchronously too: an Enter that
 * lands while a completion is active navigates into that folder instead of accepting. So type ours
 * and press Enter until the dialog closes with it.
 */
export async function acceptFolderDialog(page: Page, folder: string): Promise<void> {
  const widget = page.locator(WIDGET);
  const input = widget.locator('input');
  await page.waitForFunction((selector) => (document.querySelector<HTMLInputElement>(`${selector} input`)?.value ?? '') !== ''
    && document.querySelector(`${selector} .quick-input-list .monaco-list-row`) !== null, WIDGET, { timeout: UI_TIMEOUT });
  for (let attempt = 1; ; attempt++) {
    await fillQuickInput(page, folder);
    await input.press('Enter');
    try {
      await widget.waitFor({ state: 'hidden', timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }
}

