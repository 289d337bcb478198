import { div } from '../dom';

/**
 * The panel's one-line status: a polite live region, so screen readers read each new status
 * without the focus moving.
 */
export function statusLine(text: string): HTMLElement {
  return liveRegion('status', 'status', text);
}

/** A failure reported by the host: an assertive live region, announced at once. */
export function errorAlert(message: string): HTMLElement {
  return liveRegion('error', 'alert', message);
}

function liveRegion(className: string, role: 'status' | 'alert', text: string): HTMLElement {
  const region = div(className);
  region.setAttribute('role', role);
  region.textContent = text;
  return region;
}
