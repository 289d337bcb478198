import type { DataType } from '../schema';
import type { ColumnRef, Predicate } from './ast';
import { formatDecimal } from './decimal';
import { RESERVED_WORDS } from './lexer';
import { formatDate, formatTimestamp } from './temporal';
import { isDecimalValue, type TypedValue } from './typedValue';

/**
 * Renders a predicate in the language parsePredicate reads, so that parsing the text against the
 * same schema gives back an equal predicate. BETWEEN comes back as its `>= AND <=` form.
 */
export function formatPredicate(predicate: Predicate): string {
  switch (predicate.kind) {
    case 'comparison':
      return `${formatColumn(predicate.column)} ${predicate.op} ${formatValue(predicate.value, predicate.column.type)}`;
    case 'in': {
      const values = predicate.values.map((v) => formatValue(v, predicate.column.type)).join(', ');
      return `${formatColumn(predicate.column)} ${predicate.negated ? 'NOT IN' : 'IN'} (${values})`;
    }
    case 'isNull':
      return `${formatColumn(predicate.column)} IS ${predicate.negated ? 'NOT NULL' : 'NULL'}`;
    case 'not':
      return `NOT ${wrap(predicate.operand, predicate.operand.kind === 'and' || predicate.operand.kind === 'or')}`;
    case 'and':
    case 'or': {
      // The parser nests to the left, so a right operand of the same kind needs parentheses to
      // come back with the same shape; AND inside OR binds tighter and needs none.
      const left = wrap(predicate.left, predicate.kind === 'and' && predicate.left.kind === 'or');
      const right = wrap(predicate.right, predicate.right.kind === predicate.kind || (predicate.kind === 'and' && predicate.right.kind === 'or'));
      return `${left} ${predicate.kind === 'and' ? 'AND' : 'OR'} ${right}`;
    }
  }
}

function wrap(predicate: Predicate, parenthesize: boolean): string {
  const text = formatPredicate(predicate);
  return parenthesize ? `(${text})` : text;
}

export function formatColumn(column: ColumnRef): string {
  return column.path.map(formatName).join('.');
}

function formatName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED_WORDS.has(name.toUpperCase())
    ? name
    : `\`${name.replaceAll('`', '``')}\``;
}

/** A literal of `type` as the predicate language writes it. */
export function formatValue(value: TypedValue, type: DataType): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return quote(value);
  if (value instanceof Uint8Array) return `X'${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()}'`;
  if (isDecimalValue(value)) return formatDecimal(value);
  if (type.kind === 'primitive' && type.name === 'date' && typeof value === 'number') return `DATE '${formatDate(value)}'`;
  if (type.kind === 'primitive' && typeof value === 'bigint' && (type.name === 'timestamp' || type.name === 'timestamp_ntz')) {
    return type.name === 'timestamp' ? `TIMESTAMP '${formatTimestamp(value)}Z'` : `TIMESTAMP_NTZ '${formatTimestamp(value)}'`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return quote(String(value));
  if (Object.is(value, -0)) return '-0.0';
  return String(value);
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
