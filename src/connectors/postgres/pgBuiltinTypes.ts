import type { PgTypeInfo } from './pgTypeMapping';

/**
 * PostgreSQL's built-in type oids (fixed in its pg_type.dat), which wire-compatible servers reuse
 * in their RowDescription messages. Servers whose pg_type cannot be queried the way PostgreSQL's
 * can (QuestDB refuses `oid[]` parameters) are described from these instead.
 */
const BUILTIN: ReadonlyMap<number, string> = new Map([
  [16, 'bool'], [17, 'bytea'], [18, 'char'], [19, 'name'], [20, 'int8'], [21, 'int2'], [23, 'int4'],
  [25, 'text'], [114, 'json'], [142, 'xml'], [700, 'float4'], [701, 'float8'], [1042, 'bpchar'],
  [1043, 'varchar'], [1082, 'date'], [1114, 'timestamp'], [1184, 'timestamptz'], [1700, 'numeric'],
  [2950, 'uuid'], [3802, 'jsonb'],
]);

/** The type of a result column by its oid; any other oid is `unknown`, which maps to its text form. */
export function builtinType(oid: number): PgTypeInfo {
  return { oid, name: BUILTIN.get(oid) ?? 'unknown', kind: BUILTIN.has(oid) ? 'b' : 'p' };
}
