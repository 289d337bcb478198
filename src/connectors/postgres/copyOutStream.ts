import { Readable } from 'node:stream';
import type { Connection, Submittable } from 'pg';

const COPY_DATA = 0x64; // 'd'
const ERROR_RESPONSE = 0x45; // 'E'
/** Messages the server may send amid the copy data ("COPY Operations" in the protocol flow chapter); any other one ends it. */
const WITHIN_COPY = new Set([0x48 /* CopyOutResponse */, COPY_DATA, 0x53 /* ParameterStatus */, 0x4e /* Notice */, 0x41 /* Notification */]);

type DataHandler = (chunk: Buffer) => void;

/**
 * The payload of a `COPY … TO STDOUT`, read straight off the connection's socket: each socket
 * chunk comes out as one chunk holding its CopyData bodies, compacted in place over the message
 * headers. pg-copy-streams' `to` makes one Buffer slice per CopyData message and joins them again,
 * and the server sends one message per row: for a binary COPY of 1M narrow rows that was about 1 s
 * of CPU on the thread that then decodes them. Like pg-copy-streams, it takes the socket's `data`
 * listener from pg for the duration of the copy and hands it back, with the bytes after CopyDone
 * (or from an ErrorResponse on, whose error pg then reports through handleError), when it ends.
 * Memory stays bounded: the socket is read only while the consumer wants more.
 */
export class CopyOutStream extends Readable implements Submittable {
  private connection: Connection | undefined;
  private pgDataHandler: DataHandler | undefined;
  private readonly onReadable = (): void => this.forward();
  /** The 5-byte header (type, length) of the next message, as far as it has arrived. */
  private readonly header = Buffer.alloc(5);
  private headerBytes = 0;
  private type = 0;
  /** Body bytes of the current message still to come, or -1 between messages. */
  private remaining = -1;
  private wanted = false;
  private forwarding = false;

  /** `highWaterMark`: bytes read off the socket ahead of the consumer (Node's default is 16 KiB). */
  constructor(private readonly text: string, highWaterMark?: number) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
  }

  submit(connection: Connection): void {
    const socket = connection.stream;
    const listeners = socket.listeners('data');
    if (listeners.length !== 1) throw new Error(`copyOut expects pg's one data listener on the socket, found ${listeners.length}.`);
    this.connection = connection;
    this.pgDataHandler = listeners[0] as DataHandler;
    socket.removeListener('data', this.pgDataHandler);
    socket.pause();
    socket.on('readable', this.onReadable);
    connection.query(this.text);
  }

  override _read(): void {
    this.wanted = true;
    this.forward();
  }

  /** pg reports the server's ErrorResponse (handed back by `detach`) here. */
  handleError(error: Error): void {
    this.destroy(error);
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {}

  private forward(): void {
    if (this.forwarding || !this.wanted) return;
    this.forwarding = true;
    for (;;) {
      const chunk = this.connection?.stream.read() as Buffer | null | undefined;
      if (!chunk) break;
      this.wanted = this.parse(chunk);
      if (!this.wanted) break;
    }
    this.forwarding = false;
  }

  /** Compacts the CopyData bodies of `chunk` to its start and pushes them; false when the consumer has enough. */
  private parse(chunk: Buffer): boolean {
    const end = chunk.length;
    let at = 0;
    let out = 0;
    for (;;) {
      if (this.remaining < 0) {
        if (at === end) break;
        // pg must parse the error itself (and every message after it): hand the connection back.
        if (this.headerBytes === 0 && chunk[at] === ERROR_RESPONSE) {
          this.detach(chunk.subarray(at));
          return false;
        }
        if (this.headerBytes === 0 && end - at >= 5) {
          this.type = chunk[at] as number;
          this.remaining = chunk.readInt32BE(at + 1) - 4;
          at += 5;
        } else {
          while (this.headerBytes < 5 && at < end) this.header[this.headerBytes++] = chunk[at++] as number;
          if (this.headerBytes < 5) break;
          this.headerBytes = 0;
          this.type = this.header[0] as number;
          this.remaining = this.header.readInt32BE(1) - 4;
        }
      }
      const n = Math.min(this.remaining, end - at);
      if (this.type === COPY_DATA) {
        if (out !== at) chunk.copyWithin(out, at, at + n);
        out += n;
      }
      at += n;
      this.remaining -= n;
      if (this.remaining > 0) break;
      this.remaining = -1;
      if (!WITHIN_COPY.has(this.type)) {
        if (out > 0) this.push(chunk.subarray(0, out));
        this.detach(chunk.subarray(at));
        this.push(null);
        return false;
      }
    }
    return out > 0 ? this.push(chunk.subarray(0, out)) : true;
  }

  /** Gives the socket back to pg, with the bytes it has not seen yet. */
  private detach(rest: Buffer): void {
    const connection = this.connection;
    const handler = this.pgDataHandler;
    if (!connection || !handler) return;
    this.connection = undefined;
    const socket = connection.stream;
    socket.removeListener('readable', this.onReadable);
    socket.on('data', handler);
    handler(rest);
    // Resumed after pg's handler returns: it may pause the socket itself.
    process.nextTick(() => socket.resume());
  }
}

/** `client.query(copyOut(sql))` streams the rows of a `COPY … TO STDOUT`. */
export function copyOut(sql: string, highWaterMark?: number): CopyOutStream {
  return new CopyOutStream(sql, highWaterMark);
}
