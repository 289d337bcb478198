/**
 * The apps of the one webview bundle. The host's HTML names one in `data-panel`; typing the name on
 * both sides means a host cannot ask for an app the bundle does not have.
 */
export const PANEL_APPS = ['preview', 'rowDiff', 'schema', 'parquet', 'optimize', 'pipeline'] as const;
export type PanelApp = (typeof PANEL_APPS)[number];

export function isPanelApp(value: unknown): value is PanelApp {
  return typeof value === 'string' && (PANEL_APPS as readonly string[]).includes(value);
}
