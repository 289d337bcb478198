import { DeltaError } from '../errors';
import { formatDataType, type DataType } from '../schema';
import { checkDecimalPrecision } from './castValue';
import { roundDecimalHalfUp } from './decimal';
import type { ArithmeticOp } from './expression';
import { isDecimalValue, type DecimalValue, type TypedValue } from './typedValue';
import { integralRange } from './integralRanges';


/**
 * `left op right` with SQL semantics in ANSI mode: NULL in, NULL out; integer results out of their
 * type's range and division by zero are errors (Spark's ARITHMETIC_OVERFLOW and DIVIDE_BY_ZERO),
 * never wrapped values; decimals are exact and rounded half up to the result scale. Operands are
 * already cast to `type` (decimal operands may have any scale).
 */
export function evaluateArithmetic(op: ArithmeticOp, left: TypedValue, right: TypedValue, type: DataType): TypedValue {
  if (left === null || right === null) return null;
  if (type.kind === 'decimal') {
    if (!isDecimalValue(left) || !isDecimalValue(right)) throw mismatch(type);
    const exact = decimalOp(op, left, right, type.scale);
    return checkDecimalPrecision(roundDecimalHalfUp(exact, type.scale), type);
  }
  if (typeof left === 'bigint' && typeof right === 'bigint') {
    if ((op === '/' || op === '%') && right === 0n) throw divideByZero();
    const result = op === '+' ? left + right : op === '-' ? left - right : op === '*' ? left * right : op === '/' ? left / right : left % right;
    return checkRange(result, type);
  }
  if (typeof left === 'number' && typeof right === 'number') {
    if ((op === '/' || op === '%') && right === 0) throw divideByZero();
    const result = op === '+' ? left + right : op === '-' ? left - right : op === '*' ? left * right : op === '/' ? left / right : left % right;
    if (type.kind === 'primitive' && type.name === 'float') return Math.fround(result);
    if (type.kind === 'primitive' && type.name === 'double') return result;
    return Number(checkRange(BigInt(result), type));
  }
  throw mismatch(type);
}

/** `-value`; the smallest integer of a type has no negation in it. */
export function evaluateNegate(value: TypedValue, type: DataType): TypedValue {
  if (value === null) return null;
  if (isDecimalValue(value)) return { unscaled: -value.unscaled, scale: value.scale };
  if (typeof value === 'bigint') return checkRange(-value, type);
  if (typeof value === 'number') return type.kind === 'primitive' && (type.name === 'float' || type.name === 'double') ? -value : Number(checkRange(BigInt(-value), type));
  throw mismatch(type);
}

function decimalOp(op: ArithmeticOp, a: DecimalValue, b: DecimalValue, resultScale: number): DecimalValue {
  const scale = Math.max(a.scale, b.scale);
  const x = a.unscaled * 10n ** BigInt(scale - a.scale);
  const y = b.unscaled * 10n ** BigInt(scale - b.scale);
  switch (op) {
    case '+': return { unscaled: x + y, scale };
    case '-': return { unscaled: x - y, scale };
    case '*': return { unscaled: a.unscaled * b.unscaled, scale: a.scale + b.scale };
    case '%':
      if (y === 0n) throw divideByZero();
      return { unscaled: x % y, scale };
    case '/': {
      if (b.unscaled === 0n) throw divideByZero();
      // One digit more than the result keeps, truncated: enough to round half up exactly.
      const shift = resultScale + 1 - a.scale + b.scale;
      const quotient = shift >= 0
        ? (a.unscaled * 10n ** BigInt(shift)) / b.unscaled
        : a.unscaled / (b.unscaled * 10n ** BigInt(-shift));
      return { unscaled: quotient, scale: resultScale + 1 };
    }
  }
}

function checkRange(value: bigint, type: DataType): bigint {
  const range = type.kind === 'primitive' ? integralRange(type.name) : undefined;
  if (range && (value < range[0] || value > range[1])) {
    throw new DeltaError('DELTA_ARITHMETIC_OVERFLOW',
      `Integer overflow: ${value} is out of the range of ${formatDataType(type)} (${range[0]} to ${range[1]}); cast an operand to a wider type, e.g. CAST(x AS bigint) or CAST(x AS decimal(38,0)).`);
  }
  return value;
}

function divideByZero(): DeltaError {
  return new DeltaError('DELTA_DIVIDE_BY_ZERO', 'Division by zero: leave out the rows whose divisor is 0 with the WHERE clause or the MERGE clause condition.');
}

function mismatch(type: DataType): DeltaError {
  return new DeltaError('DELTA_INVALID_EXPRESSION', `Internal: arithmetic operands do not have the type ${formatDataType(type)}.`);
}
