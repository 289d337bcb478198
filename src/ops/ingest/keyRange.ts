import type { Data } from 'apache-arrow';
import type { Predicate } from '../../delta/predicate/ast';
import { compareValues, type NonNullValue } from '../../delta/predicate/typedValue';
import type { StructField } from '../../delta/schema';
import { parsePartitionValue } from '../../delta/stats/partitionValue';
import { partitionValueAt } from '../../delta/write/partitionPath';

/** Per key column, the smallest and largest key seen: only files overlapping it can hold a changed row. */
export class KeyRange {
  private readonly bounds: Array<{ min?: NonNullValue; max?: NonNullValue; open: boolean }>;

  constructor(private readonly keyFields: readonly StructField[]) {
    this.bounds = keyFields.map(() => ({ open: false }));
  }

  add(columns: readonly Data[], row: number): void {
    this.keyFields.forEach((field, i) => {
      const bound = this.bounds[i] as { min?: NonNullValue; max?: NonNullValue; open: boolean };
      const text = partitionValueAt(columns[i] as Data, row, field.type, false);
      // NULL keys and binary keys (no text form ordering like the bytes) leave this column unbounded.
      if (text === null || (field.type.kind === 'primitive' && field.type.name === 'binary')) {
        bound.open = true;
        return;
      }
      const value = parsePartitionValue(text, field.type) as NonNullValue;
      if (bound.min === undefined || compareValues(value, bound.min) < 0) bound.min = value;
      if (bound.max === undefined || compareValues(value, bound.max) > 0) bound.max = value;
    });
  }

  predicate(): Predicate | undefined {
    let predicate: Predicate | undefined;
    this.keyFields.forEach((field, i) => {
      const bound = this.bounds[i];
      if (!bound || bound.open || bound.min === undefined || bound.max === undefined) return;
      const column = { path: [field.name], type: field.type };
      const between: Predicate = {
        kind: 'and',
        left: { kind: 'comparison', op: '>=', column, value: bound.min },
        right: { kind: 'comparison', op: '<=', column, value: bound.max },
      };
      predicate = predicate ? { kind: 'and', left: predicate, right: between } : between;
    });
    return predicate;
  }
}
