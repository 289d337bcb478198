import { DeltaError } from '../errors';

/**
 * A predicate the user typed that does not parse or does not fit the table schema. `position` is
 * the 0-based offset in the text where the problem starts, so an input box can point at it.
 */
export class InvalidPredicateError extends DeltaError {
  constructor(readonly position: number, problem: string) {
    super('DELTA_INVALID_PREDICATE', `Invalid predicate at position ${position + 1}: ${problem}`);
  }
}
