import type { FrameLocator } from 'playwright-core';

/** The rows the preview grid has drawn, as cell texts without the row-number column. */
export async function gridRows(frame: FrameLocator): Promise<string[][]> {
  return frame.locator('.rows .row').evaluateAll((rows) => rows.map((row) =>
    Array.from(row.querySelectorAll('.cell')).slice(1).map((cell) => cell.textContent ?? '')));
}

export async function gridStatus(frame: FrameLocator): Promise<string> {
  return frame.locator('.status').innerText();
}

/** Scrolls the grid to its end, as a user dragging the scrollbar down would. */
export async function scrollGridToEnd(frame: FrameLocator): Promise<void> {
  await frame.locator('.viewport').evaluate((viewport) => { viewport.scrollTop = viewport.scrollHeight; });
}
