import { div } from '../dom';

/**
 * The panel's one-line status: a polite live region, so screen readers read each new status
 * without the focus moving.
 */
export function statusLine(text: string): HTMLElement {
  const status = div('status');
  status.setAttribute('role', 'status');
  status.textContent = text;
  return status;
}

/** A failure reported by the host: an assertive live region, announced at once. */
export function errorAlert(message: string): HTMLElement {
  const error = div('error');
  error.setAttribute('role', 'alert');
  error.textContent = message;
  return error;
}
