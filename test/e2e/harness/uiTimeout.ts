/**
 * How long a UI wait may take before it fails. CI runs two suites side by side on two cores (load
 * 10 and more): a webview's first paint or an extension host round trip can take tens of seconds
 * there, so waits are on conditions and bounded by this rather than by a typical duration.
 */
export const UI_TIMEOUT = 60_000;
