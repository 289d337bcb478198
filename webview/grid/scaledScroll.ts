/**
 * Browsers cap an element's height (Chromium near 33.5 million px, Firefox near 17.9 million), so a
 * spacer of 22 px per row stops growing at about 1.5 million rows and the rest cannot be reached.
 * Above this height the spacer keeps this height and a scroll position maps to a row position by a
 * factor: the scrollbar spans the whole table at any size.
 */
export const MAX_SPACER_HEIGHT = 10_000_000;

/** The height the scrolled element gets for content of `contentHeight` px. */
export function spacerHeight(contentHeight: number): number {
  return Math.min(contentHeight, MAX_SPACER_HEIGHT);
}

/**
 * Content px per scrolled px, chosen so the largest scroll position shows the content's end:
 * 1 while the content fits the spacer.
 */
export function scrollFactor(contentHeight: number, viewportHeight: number): number {
  const spacer = spacerHeight(contentHeight);
  if (spacer === contentHeight || spacer <= viewportHeight) return 1;
  return (contentHeight - viewportHeight) / (spacer - viewportHeight);
}
