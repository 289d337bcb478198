import type { Duplex, DuplexOptions } from 'node:stream';
import type { Connection, Submittable } from 'pg';

// pg-copy-streams ships `both` (CopyBoth, the streaming replication sub-protocol), but its
// DefinitelyTyped declarations only cover `to` and `from`.
declare module 'pg-copy-streams' {
  export class CopyBothQueryStream extends Duplex implements Submittable {
    text: string;
    submit(connection: Connection): void;
  }
  /** `alignOnCopyDataFrame`: each chunk read is exactly one CopyData message's payload. */
  export function both(txt: string, options?: DuplexOptions & { alignOnCopyDataFrame?: boolean }): CopyBothQueryStream;
}
