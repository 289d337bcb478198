/**
 * The rows a deletion vector marks as deleted in one data file: indexes of rows in the Parquet
 * file, counted from zero across all row groups.
 */
export interface DeletedRows {
  readonly cardinality: number;
  has(rowIndex: number): boolean;
  /** sorted ascending */
  toSortedArray(): Float64Array;
}
