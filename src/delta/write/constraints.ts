import { DataType as ArrowType, type Data, type RecordBatch } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { DeltaError, isDeltaError } from '../errors';
import type { Predicate } from '../predicate/ast';
import { evaluatePredicate } from '../predicate/evaluatePredicate';
import { parsePredicate } from '../predicate/parsePredicate';
import { isRecord, type StructType } from '../schema';
import { describeRow } from './describeRow';

export const CONSTRAINT_PROPERTY_PREFIX = 'delta.constraints.';

/** A rule every row of the table must satisfy ("Column Invariants" and "CHECK Constraints" in PROTOCOL.md). */
export type TableConstraint =
  | { kind: 'notNull'; name: string; path: string[] }
  | { kind: 'check'; name: string; expression: string; predicate: Predicate; rule?: string };

/**
 * The table's constraints: NOT NULL for every non-nullable field (nested fields count when their
 * parent is present), `delta.constraints.<name>` CHECK constraints from the properties, and legacy
 * `delta.invariants` expressions on fields. An expression this engine cannot evaluate makes the
 * table unwritable rather than silently unchecked.
 */
export function tableConstraints(schema: StructType, properties: Readonly<Record<string, string>>): TableConstraint[] {
  const constraints: TableConstraint[] = [];
  const visit = (struct: StructType, parent: string[]): void => {
    for (const field of struct.fields) {
      const path = [...parent, field.name];
      if (!field.nullable) constraints.push({ kind: 'notNull', name: `NOT NULL ${path.join('.')}`, path });
      const invariant = invariantExpression(field.metadata['delta.invariants']);
      if (invariant !== undefined) constraints.push(checkConstraint(`invariant on ${path.join('.')}`, invariant, schema));
      if (field.type.kind === 'struct') visit(field.type, path);
    }
  };
  visit(schema, []);
  for (const [key, expression] of Object.entries(properties)) {
    if (key.startsWith(CONSTRAINT_PROPERTY_PREFIX)) {
      constraints.push(checkConstraint(key.slice(CONSTRAINT_PROPERTY_PREFIX.length), expression, schema));
    }
  }
  return constraints;
}

export function checkConstraint(name: string, expression: string, schema: StructType): TableConstraint {
  try {
    return { kind: 'check', name, expression, predicate: parsePredicate(expression, schema) };
  } catch (error) {
    if (!isDeltaError(error)) throw error;
    throw new DeltaError('DELTA_UNSUPPORTED_WRITER_FEATURE',
      `The table's constraint ${name} (${expression}) cannot be evaluated by Lakehouse Studio (${error.message}); writing could let violating rows in, so the table was left unchanged.`,
      { cause: error });
  }
}

function invariantExpression(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    // Spark stores {"expression":{"expression":"<sql>"}}.
    const parsed: unknown = JSON.parse(raw);
    const inner = isRecord(parsed) && isRecord(parsed.expression) ? parsed.expression.expression : undefined;
    return typeof inner === 'string' ? inner : undefined;
  } catch {
    return undefined;
  }
}

interface Violations { constraint: TableConstraint; rows: number; example: string }

/**
 * Checks batches against the constraints and remembers every violation, so that a write can be
 * refused as a whole, with the number of offending rows and one of them shown.
 */
export class ConstraintChecker {
  private readonly violations = new Map<string, Violations>();

  constructor(private readonly constraints: readonly TableConstraint[], private readonly schema: StructType) {}

  get hasViolations(): boolean {
    return this.violations.size > 0;
  }

  /** Records the violations in a batch of logical, table-typed rows; true when the batch has none. */
  check(batch: RecordBatch): boolean {
    let clean = true;
    for (const constraint of this.constraints) {
      const ok = constraint.kind === 'notNull' ? notNullMask(batch, constraint.path) : evaluatePredicate(constraint.predicate, batch, this.schema);
      let first = -1;
      let count = 0;
      for (let row = 0; row < batch.numRows; row++) {
        if (ok[row] === 1) continue;
        if (first < 0) first = row;
        count++;
      }
      if (count === 0) continue;
      clean = false;
      const seen = this.violations.get(constraint.name);
      if (seen) seen.rows += count;
      else this.violations.set(constraint.name, { constraint, rows: count, example: describeRow(batch, first) });
    }
    return clean;
  }

  /** Throws DELTA_CONSTRAINT_VIOLATION describing every violated constraint. */
  throwIfViolated(what = 'The write'): void {
    if (this.violations.size === 0) return;
    const lines = [...this.violations.values()].map(({ constraint, rows, example }) => {
      const rule = constraint.kind === 'notNull'
        ? `column ${constraint.path.join('.')} is NOT NULL`
        : constraint.rule ?? `CHECK constraint ${constraint.name} (${constraint.expression})`;
      return `  - ${rule}: violated by ${rows} row${rows === 1 ? '' : 's'}, e.g. ${example}`;
    });
    throw new DeltaError('DELTA_CONSTRAINT_VIOLATION', `${what} was refused and the table left unchanged:\n${lines.join('\n')}`);
  }
}

/** 1 where the field at `path` is present or its parent struct is NULL (nested NOT NULL binds only present parents). */
function notNullMask(batch: RecordBatch, path: readonly string[]): Uint8Array {
  const out = new Uint8Array(batch.numRows).fill(1);
  let fields = batch.schema.fields;
  let children = batch.data.children;
  const chain: Data[] = [];
  for (const name of path) {
    const index = fields.findIndex((f) => f.name === name);
    const data = children[index];
    if (!data) return out;
    chain.push(data);
    fields = ArrowType.isStruct(data.type) ? data.type.children : [];
    children = data.children;
  }
  const leaf = chain.at(-1) as Data;
  // No NULL in the column: nothing to check row by row (the usual case, e.g. a key column).
  if (leaf.nullCount === 0) return out;
  const parents = chain.slice(0, -1);
  for (let row = 0; row < batch.numRows; row++) {
    if (parents.every((p) => isValidAt(p, row)) && !isValidAt(leaf, row)) out[row] = 0;
  }
  return out;
}
