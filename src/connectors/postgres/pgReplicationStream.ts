import type pg from 'pg';
import { both, type CopyBothQueryStream } from 'pg-copy-streams';
import { decodePgoutput, type PgoutputMessage } from './pgoutputMessages';
import { formatLsn } from './lsn';

export type ReplicationEvent =
  /** XLogData ('w'): one pgoutput message; walEnd is the server's WAL end when it was sent. */
  | { kind: 'data'; walStart: number; walEnd: number; message: PgoutputMessage }
  /** Primary keepalive ('k'): walEnd is how far the server has decoded (and sent) the WAL. */
  | { kind: 'keepalive'; walEnd: number; replyRequested: boolean };

export interface StartReplication {
  slot: string;
  publication: string;
  /** Changes of transactions committed before this position are not sent again. */
  startLsn: number;
  /** Seconds between unsolicited status updates (wal_receiver_status_interval). */
  statusIntervalSeconds?: number;
}

/** Microseconds from the Unix epoch to 2000-01-01, PostgreSQL's epoch. */
const PG_EPOCH_MICROS = 946_684_800_000_000n;

/**
 * The CopyBoth sub-protocol of START_REPLICATION ("Streaming Replication Protocol" in the
 * PostgreSQL docs): reads XLogData and keepalive messages, and writes standby status updates. The
 * flushed position it reports is only ever what `confirm` was given, i.e. what the caller has
 * durably committed, so the slot keeps every change not yet in the Delta table.
 */
export class PgReplicationStream {
  private confirmed: number;
  private decodeMs = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor(private readonly stream: CopyBothQueryStream, startLsn: number, intervalSeconds: number) {
    this.confirmed = startLsn;
    this.timer = setInterval(() => this.sendStatus(false), intervalSeconds * 1000);
    this.timer.unref();
  }

  /** `client` must be a replication connection (connectPostgres with `replication: true`). */
  static start(client: pg.Client, options: StartReplication): PgReplicationStream {
    const publication = options.publication.replace(/"/g, '""');
    const sql = `START_REPLICATION SLOT ${client.escapeIdentifier(options.slot)} LOGICAL ${formatLsn(options.startLsn)} `
      + `(proto_version '1', publication_names ${client.escapeLiteral(`"${publication}"`)}, binary 'true')`;
    // Object mode keeps each CopyData payload a chunk of its own; a byte stream would join them.
    const stream = client.query(both(sql, { alignOnCopyDataFrame: true, readableObjectMode: true }));
    return new PgReplicationStream(stream, options.startLsn, options.statusIntervalSeconds ?? 10);
  }

  async *events(): AsyncGenerator<ReplicationEvent> {
    for await (const chunk of this.stream as AsyncIterable<Buffer>) {
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const code = chunk[0];
      if (code === 0x77) {
        const started = performance.now();
        const message = decodePgoutput(chunk.subarray(25));
        this.decodeMs += performance.now() - started;
        yield { kind: 'data', walStart: readLsn(view, 1), walEnd: readLsn(view, 9), message };
      } else if (code === 0x6b) {
        const event: ReplicationEvent = { kind: 'keepalive', walEnd: readLsn(view, 1), replyRequested: chunk[17] === 1 };
        if (event.replyRequested) this.sendStatus(false);
        yield event;
      }
    }
  }

  /** Milliseconds spent decoding pgoutput messages since the last call. */
  takeDecodeMs(): number {
    const ms = this.decodeMs;
    this.decodeMs = 0;
    return ms;
  }

  /** Reports `lsn` as written, flushed and applied: the server may then discard the WAL before it. */
  confirm(lsn: number): void {
    if (lsn > this.confirmed) this.confirmed = lsn;
    this.sendStatus(false);
  }

  /** Asks the server for a keepalive, which tells how far it has decoded. */
  ping(): void {
    this.sendStatus(true);
  }

  close(): void {
    clearInterval(this.timer);
    this.stream.destroy();
  }

  private sendStatus(replyRequested: boolean): void {
    if (this.stream.destroyed) return;
    const message = Buffer.alloc(34);
    message.write('r', 0, 'latin1');
    const lsn = BigInt(this.confirmed);
    message.writeBigUInt64BE(lsn, 1);
    message.writeBigUInt64BE(lsn, 9);
    message.writeBigUInt64BE(lsn, 17);
    message.writeBigInt64BE(BigInt(Date.now()) * 1000n - PG_EPOCH_MICROS, 25);
    message.writeUInt8(replyRequested ? 1 : 0, 33);
    this.stream.write(message);
  }
}

function readLsn(view: DataView, offset: number): number {
  return view.getUint32(offset) * 2 ** 32 + view.getUint32(offset + 4);
}
