import { formatDataType, type DataType } from '../schema';
import { evaluateNegate } from './arithmetic';
import { castValue } from './castValue';
import type { FunctionName } from './expression';
import { commonType, INTEGER, isNumeric, isPrimitive, isCastable, STRING } from './expressionTypes';
import { compareValues, type TypedValue } from './typedValue';

/** A function call's typing: the result type and the type each argument is cast to first. */
export type FunctionTyping = { ok: true; type: DataType; argTypes: (DataType | undefined)[] } | { ok: false; problem: string };

export const FUNCTION_NAMES: ReadonlySet<string> = new Set<FunctionName>(['upper', 'lower', 'trim', 'length', 'concat', 'coalesce', 'abs']);

/** Type-checks a call of one of the built-in functions (Spark SQL's meaning of each). */
export function typeFunction(name: FunctionName, args: readonly (DataType | undefined)[]): FunctionTyping {
  const arity = (n: number): FunctionTyping | undefined => (args.length === n ? undefined : { ok: false, problem: `${name} takes ${n} argument${n === 1 ? '' : 's'}, found ${args.length}.` });
  const describe = (t: DataType | undefined): string => (t ? formatDataType(t) : 'NULL');
  switch (name) {
    case 'upper':
    case 'lower':
    case 'trim':
    case 'length': {
      const wrong = arity(1);
      if (wrong) return wrong;
      const arg = args[0];
      if (arg !== undefined && !isPrimitive(arg, 'string')) {
        return { ok: false, problem: `${name} expects a string, found ${describe(arg)}: write ${name}(CAST(x AS string)).` };
      }
      return { ok: true, type: name === 'length' ? INTEGER : STRING, argTypes: [STRING] };
    }
    case 'concat': {
      if (args.length === 0) return { ok: false, problem: 'concat needs at least one argument.' };
      const bad = args.find((t) => t !== undefined && !isCastable(t, STRING));
      if (bad) return { ok: false, problem: `concat cannot turn ${describe(bad)} into a string.` };
      return { ok: true, type: STRING, argTypes: args.map(() => STRING) };
    }
    case 'coalesce': {
      if (args.length === 0) return { ok: false, problem: 'coalesce needs at least one argument.' };
      let type: DataType | undefined;
      for (const arg of args) {
        if (arg === undefined) continue;
        const common: DataType | undefined = type === undefined ? arg : commonType(type, arg);
        if (!common) return { ok: false, problem: `coalesce arguments have no common type: ${describe(type)} and ${describe(arg)}.` };
        type = common;
      }
      return type === undefined ? { ok: false, problem: 'coalesce of only NULLs has no type: CAST one of them.' } : { ok: true, type, argTypes: args.map(() => type) };
    }
    case 'abs': {
      const wrong = arity(1);
      if (wrong) return wrong;
      const arg = args[0];
      if (arg === undefined || !isNumeric(arg)) return { ok: false, problem: `abs expects a number, found ${describe(arg)}.` };
      return { ok: true, type: arg, argTypes: [arg] };
    }
  }
}

/** Evaluates a call whose arguments are already cast to their argTypes. */
export function evaluateFunction(name: FunctionName, args: readonly TypedValue[], type: DataType): TypedValue {
  switch (name) {
    case 'coalesce':
      return args.find((v) => v !== null) ?? null;
    case 'concat':
      return args.some((v) => v === null) ? null : args.join('');
    default: {
      const value = args[0] ?? null;
      if (value === null) return null;
      if (name === 'abs') return isNegative(value) ? evaluateNegate(value, type) : value;
      const text = castValue(value, STRING, STRING) as string;
      if (name === 'upper') return text.toUpperCase();
      if (name === 'lower') return text.toLowerCase();
      if (name === 'trim') return text.replace(/^ +| +$/g, '');
      return [...text].length;
    }
  }
}

function isNegative(value: Exclude<TypedValue, null>): boolean {
  if (typeof value === 'number') return value < 0 || Object.is(value, -0);
  if (typeof value === 'bigint') return value < 0n;
  return typeof value === 'object' && !(value instanceof Uint8Array) && compareValues(value, { unscaled: 0n, scale: 0 }) < 0;
}
