/** The Delta integral types, whose values are range checked (never wrapped) in literals, casts and arithmetic. */
export type IntegralTypeName = 'byte' | 'short' | 'integer' | 'long';

/** Inclusive [min, max] of each integral type (8, 16, 32 and 64-bit two's complement). */
export const INTEGRAL_RANGES: Readonly<Record<IntegralTypeName, readonly [bigint, bigint]>> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
};

/** The range of a primitive type by name, or undefined when it is not integral. */
export function integralRange(typeName: string): readonly [bigint, bigint] | undefined {
  return Object.hasOwn(INTEGRAL_RANGES, typeName) ? INTEGRAL_RANGES[typeName as IntegralTypeName] : undefined;
}
