import { DeltaError } from '../errors';

/** Which logical rule a concurrent commit broke (named after Spark's conflict exceptions). */
export type ConflictKind =
  | 'protocolChanged'
  | 'metadataChanged'
  | 'concurrentAppend'
  | 'concurrentDeleteRead'
  | 'concurrentDeleteDelete'
  | 'concurrentTransaction'
  | 'concurrentDomainMetadata'
  | 'tooManyAttempts';

/** A commit that cannot be rebased over what other writers committed since our snapshot. */
export class ConcurrentModificationError extends DeltaError {
  constructor(
    readonly kind: ConflictKind,
    readonly winningVersion: number,
    readonly winningOperation: string,
    detail: string,
  ) {
    super('DELTA_CONCURRENT_MODIFICATION',
      `${detail} Version ${winningVersion} (${winningOperation}) was committed concurrently. Re-read the table and run the operation again.`);
  }
}
