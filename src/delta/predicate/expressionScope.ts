import { findField, type DataType, type StructType } from '../schema';
import type { ColumnSide } from './expression';

export type Resolution =
  | { ok: true; side: ColumnSide; path: string[]; type: DataType }
  | { ok: false; problem: string };

/** The columns an expression may name, and where each is read from. */
export interface ExpressionScope {
  resolve(path: readonly string[]): Resolution;
}

/** Columns of one table (UPDATE): `a`, `a.b`, matched exactly first, then ignoring case. */
export function tableScope(schema: StructType): ExpressionScope {
  return { resolve: (path) => resolveIn(schema, path, 'target', '') };
}

const QUALIFIERS: Record<string, ColumnSide> = { t: 'target', target: 'target', s: 'source', source: 'source' };

/** The rows a MERGE clause sees: both when matched, only one side in the not-matched clauses. */
export interface MergeSides { target?: StructType; source?: StructType }

/**
 * MERGE's two rows: `t.col`/`target.col` and `s.col`/`source.col`. An unqualified name is read
 * from `defaultSide` when given (the legacy `deleteWhen` reads source rows), else from the one side
 * that has it; a name both sides have must be qualified, as Spark asks.
 */
export function mergeScope(sides: MergeSides, defaultSide?: ColumnSide): ExpressionScope {
  const describe = (side: ColumnSide): string => (sides[side] ? names(sides[side]) : `none: this clause has no ${side} row`);
  return {
    resolve(path) {
      const side = path.length > 1 ? QUALIFIERS[path[0]!.toLowerCase()] : undefined;
      if (side) {
        const schema = sides[side];
        if (!schema) return { ok: false, problem: `${path.join('.')}: this clause has no ${side} row to read.` };
        return resolveIn(schema, path.slice(1), side, `${path[0]!}.`);
      }
      const defaultSchema = defaultSide ? sides[defaultSide] : undefined;
      if (defaultSide && defaultSchema) return resolveIn(defaultSchema, path, defaultSide, '');
      const inTarget = sides.target ? resolveIn(sides.target, path, 'target', '') : undefined;
      const inSource = sides.source ? resolveIn(sides.source, path, 'source', '') : undefined;
      if (inTarget?.ok && inSource?.ok) return { ok: false, problem: `${path.join('.')} is ambiguous: both the table and the source have it; write t.${path.join('.')} or s.${path.join('.')}.` };
      if (inTarget?.ok) return inTarget;
      if (inSource?.ok) return inSource;
      return { ok: false, problem: `unknown column ${path.join('.')}; qualify columns as t.<column> (table: ${describe('target')}) or s.<column> (source: ${describe('source')}).` };
    },
  };
}

function resolveIn(schema: StructType, path: readonly string[], side: ColumnSide, qualifier: string): Resolution {
  const field = findField(schema, path);
  if (!field) return { ok: false, problem: `unknown column ${qualifier}${path.join('.')}; known columns: ${names(schema)}.` };
  const canonical = path.map((_, i) => findField(schema, path.slice(0, i + 1))!.name);
  return { ok: true, side, path: canonical, type: field.type };
}

function names(schema: StructType): string {
  const all = schema.fields.map((f) => f.name);
  return all.slice(0, 20).join(', ') + (all.length > 20 ? ', ...' : '');
}
