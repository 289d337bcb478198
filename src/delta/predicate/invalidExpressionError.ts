import { DeltaError } from '../errors';

/**
 * An expression the user typed (UPDATE SET value, MERGE condition) that does not parse or does
 * not type-check. `position` is the 0-based offset in the text where the problem starts.
 */
export class InvalidExpressionError extends DeltaError {
  constructor(readonly position: number, problem: string) {
    super('DELTA_INVALID_EXPRESSION', `Invalid expression at position ${position + 1}: ${problem}`);
  }
}
