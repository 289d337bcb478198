/**
 * Tags our Z-order puts on the files it writes (`add.tags`, which every reader keeps and ignores):
 * the same names Databricks uses, so incremental Z-order recognises files already clustered by the
 * same columns and leaves them alone. Tags need no table feature, unlike domain metadata.
 */
export const ZCUBE_ID_TAG = 'ZCUBE_ID';
export const ZCUBE_ZORDER_BY_TAG = 'ZCUBE_ZORDER_BY';
export const ZCUBE_ZORDER_CURVE_TAG = 'ZCUBE_ZORDER_CURVE';

/** The ZCUBE_ZORDER_BY value: the column list as a JSON array. */
export function zOrderByTag(columns: readonly string[]): string {
  return JSON.stringify(columns);
}
