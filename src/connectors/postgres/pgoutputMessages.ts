import { DeltaError } from '../../delta/errors';

/** One column of a tuple: NULL, a TOASTed value the update left unchanged (not sent), or its bytes. */
export type TupleValue = null | 'unchanged' | Uint8Array;

export interface RelationColumn { name: string; isKey: boolean; typeOid: number; typmod: number }

/**
 * The pgoutput messages of protocol version 1 ("Logical Replication Message Formats" in the
 * PostgreSQL docs). LSNs are numbers (see lsn.ts). Old tuples are `K` (the replica identity key
 * columns only) or `O` (every column, with REPLICA IDENTITY FULL).
 */
export type PgoutputMessage =
  /** commitTime: milliseconds since the Unix epoch. */
  | { tag: 'begin'; finalLsn: number; commitTime: number; xid: number }
  | { tag: 'commit'; commitLsn: number; endLsn: number }
  | { tag: 'relation'; relationId: number; schema: string; name: string; replicaIdentity: string; columns: RelationColumn[] }
  | { tag: 'insert'; relationId: number; values: TupleValue[] }
  | { tag: 'update'; relationId: number; old?: { kind: 'K' | 'O'; values: TupleValue[] }; values: TupleValue[] }
  | { tag: 'delete'; relationId: number; old: { kind: 'K' | 'O'; values: TupleValue[] } }
  | { tag: 'truncate'; relationIds: number[] }
  /** Origin, Type and logical decoding messages: nothing to apply. */
  | { tag: 'other'; code: string };

const utf8 = new TextDecoder();
const PG_EPOCH_MILLIS = 946_684_800_000;

/** Decodes the pgoutput message carried by one XLogData payload. */
export function decodePgoutput(data: Uint8Array): PgoutputMessage {
  const reader = new Reader(data);
  const code = String.fromCharCode(reader.byte());
  switch (code) {
    case 'B': {
      const finalLsn = reader.lsn();
      const commitTime = reader.pgTimestampMillis();
      return { tag: 'begin', finalLsn, commitTime, xid: reader.int32() };
    }
    case 'C': {
      reader.skip(1);
      const commitLsn = reader.lsn();
      return { tag: 'commit', commitLsn, endLsn: reader.lsn() };
    }
    case 'R': {
      const relationId = reader.int32();
      const schema = reader.string();
      const name = reader.string();
      const replicaIdentity = String.fromCharCode(reader.byte());
      const count = reader.int16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i++) {
        const flags = reader.byte();
        columns.push({ isKey: (flags & 1) === 1, name: reader.string(), typeOid: reader.int32(), typmod: reader.int32() });
      }
      return { tag: 'relation', relationId, schema, name, replicaIdentity, columns };
    }
    case 'I': {
      const relationId = reader.int32();
      reader.expect('N');
      return { tag: 'insert', relationId, values: reader.tuple() };
    }
    case 'U': {
      const relationId = reader.int32();
      const kind = String.fromCharCode(reader.byte());
      if (kind === 'N') return { tag: 'update', relationId, values: reader.tuple() };
      if (kind !== 'K' && kind !== 'O') throw malformed(`update tuple kind "${kind}"`);
      const old = { kind, values: reader.tuple() } as const;
      reader.expect('N');
      return { tag: 'update', relationId, old, values: reader.tuple() };
    }
    case 'D': {
      const relationId = reader.int32();
      const kind = String.fromCharCode(reader.byte());
      if (kind !== 'K' && kind !== 'O') throw malformed(`delete tuple kind "${kind}"`);
      return { tag: 'delete', relationId, old: { kind, values: reader.tuple() } };
    }
    case 'T': {
      const count = reader.int32();
      reader.skip(1);
      const relationIds: number[] = [];
      for (let i = 0; i < count; i++) relationIds.push(reader.int32());
      return { tag: 'truncate', relationIds };
    }
    default:
      return { tag: 'other', code };
  }
}

function malformed(what: string): DeltaError {
  return new DeltaError('SOURCE_QUERY_FAILED', `The replication stream sent an unexpected ${what}: is the slot's plugin pgoutput?`);
}

class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  byte(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }

  int16(): number {
    this.need(2);
    const value = this.view.getInt16(this.at);
    this.at += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.view.getInt32(this.at);
    this.at += 4;
    return value;
  }

  lsn(): number {
    this.need(8);
    const value = this.view.getUint32(this.at) * 2 ** 32 + this.view.getUint32(this.at + 4);
    this.at += 8;
    return value;
  }

  /** An int64 of microseconds since 2000-01-01, as Unix milliseconds. */
  pgTimestampMillis(): number {
    this.need(8);
    const micros = this.view.getBigInt64(this.at);
    this.at += 8;
    return Number(micros / 1000n) + PG_EPOCH_MILLIS;
  }

  skip(bytes: number): void {
    this.need(bytes);
    this.at += bytes;
  }

  expect(kind: string): void {
    const got = String.fromCharCode(this.byte());
    if (got !== kind) throw malformed(`tuple kind "${got}" (expected "${kind}")`);
  }

  string(): string {
    const end = this.data.indexOf(0, this.at);
    if (end < 0) throw malformed('unterminated string');
    const text = utf8.decode(this.data.subarray(this.at, end));
    this.at = end + 1;
    return text;
  }

  /** TupleData (binary values: the slot is started with `binary 'true'`); values are copied, so they outlive the message buffer. */
  tuple(): TupleValue[] {
    const count = this.int16();
    const values: TupleValue[] = [];
    for (let i = 0; i < count; i++) {
      const kind = String.fromCharCode(this.byte());
      if (kind === 'n') values.push(null);
      else if (kind === 'u') values.push('unchanged');
      else if (kind === 't') {
        // We always ask for binary; only a type without a binary send function arrives as text.
        throw new DeltaError('SOURCE_TYPE_UNSUPPORTED', `Column ${i + 1} of a replicated row arrived as text: its type has no binary send function, which cdc mode needs. Use --mode incremental for this table.`);
      } else if (kind === 'b') {
        const length = this.int32();
        this.need(length);
        values.push(this.data.slice(this.at, this.at + length));
        this.at += length;
      } else {
        throw malformed(`column kind "${kind}"`);
      }
    }
    return values;
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.data.length) throw malformed('truncated message');
  }
}
