import { makeData, RecordBatch, Struct, type Schema } from 'apache-arrow';
import { DeltaError } from '../../delta/errors';
import { createColumnBuilder, type ColumnBuilder, type RowCells } from './arrowColumnBuilder';
import type { ValueDecoder } from './pgTypeMapping';

export interface BatchLimits {
  /** Rows per RecordBatch. */
  rows: number;
  /** A batch is also cut when its buffers reach this many bytes (wide text rows). */
  bytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { rows: 65_536, bytes: 64 * 1024 * 1024 };

/** "PGCOPY\n\377\r\n\0": the signature that opens every binary COPY stream. */
const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];

/**
 * Bytes of the stream gathered before a pass decodes them. A socket chunk is often only 8 KiB (the
 * server's writes, while the reader keeps up), and decoding pays per pass (the row straddling two
 * passes, a run of column calls per pass): the 1M-row bench COPY took 190 ms of CPU decoded in its
 * 8 KiB chunks, 125 in 256 KiB ones. The copy into this buffer costs a few ms per million rows.
 */
const GATHER_BYTES = 256 * 1024;

/**
 * Turns a `COPY … TO STDOUT (FORMAT binary)` byte stream into Arrow record batches of `schema`,
 * decoding column i with `decoders[i]` ("Binary Format" in the COPY reference page). The chunks are
 * gathered into one buffer of GATHER_BYTES (more for a longer row) and decoded a full buffer at a
 * time, the incomplete last row moved to its start. Memory stays bounded by one batch plus that
 * buffer: the stream is pulled only as batches are consumed.
 */
export async function* binaryCopyBatches(
  chunks: AsyncIterable<Uint8Array>,
  schema: Schema,
  decoders: readonly ValueDecoder[],
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): AsyncGenerator<RecordBatch> {
  const builders = schema.fields.map((field, i) => createColumnBuilder(decoders[i] as ValueDecoder, field.type, field.name));
  const columns = builders.length;
  const cells: RowCells = { starts: new Int32Array(RUN_ROWS * columns), sizes: new Int32Array(RUN_ROWS * columns), stride: columns };
  let rows = 0;
  let buffer: Uint8Array = new Uint8Array(GATHER_BYTES);
  let filled = 0;
  let headerDone = false;
  let ended = false;

  /** Decodes the complete rows gathered, returns the batches filled, and moves the rest to the start. */
  const decode = (): RecordBatch[] => {
    const bytes = buffer.subarray(0, filled);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let position = 0;
    if (!headerDone) {
      const headerEnd = headerLength(bytes, view);
      if (headerEnd < 0) return [];
      position = headerEnd;
      headerDone = true;
    }
    const batches: RecordBatch[] = [];
    // Runs of complete rows: first where each value is, then each column decoded in one call.
    for (;;) {
      const run = scanRows(view, position, cells, Math.min(RUN_ROWS, limits.rows - rows));
      if (run.count > 0) {
        for (let c = 0; c < columns; c++) (builders[c] as ColumnBuilder).appendColumn(bytes, view, cells, c, run.count);
        rows += run.count;
        position = run.end;
        if (rows >= limits.rows || byteSize(builders) >= limits.bytes) {
          batches.push(finishBatch(schema, builders, rows));
          rows = 0;
        }
      }
      if (run.stop === 'trailer') ended = true;
      if (run.stop !== 'full') break;
    }
    buffer.copyWithin(0, position, filled);
    filled -= position;
    return batches;
  };

  for await (const chunk of chunks) {
    // Read on to the stream's end after the trailer: pg still has to see the copy finish.
    if (ended) continue;
    for (let at = 0; at < chunk.length && !ended;) {
      // Full and still no complete row (nor header): the row is longer than the buffer.
      if (filled === buffer.length) buffer = grow(buffer);
      const n = Math.min(chunk.length - at, buffer.length - filled);
      buffer.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === buffer.length) yield* decode();
    }
  }
  if (!ended && filled > 0) yield* decode();
  if (!ended) throw new DeltaError('SOURCE_QUERY_FAILED', 'The COPY stream ended before its trailer: the connection was cut or the server stopped.');
  if (rows > 0) yield finishBatch(schema, builders, rows);
}

/** Rows located per call: a run's cells take 8 bytes per value. */
const RUN_ROWS = 1024;

interface Run {
  count: number;
  /** Where the run's last row ends. */
  end: number;
  /** `full`: `max` rows found; `trailer`: the stream's end marker follows; `short`: the next row is incomplete. */
  stop: 'full' | 'trailer' | 'short';
}

/** Locates the values of up to `max` complete rows from `start` into `cells`. */
function scanRows(view: DataView, start: number, cells: RowCells, max: number): Run {
  const length = view.byteLength;
  const { starts, sizes, stride } = cells;
  let at = start;
  let count = 0;
  let k = 0;
  while (count < max) {
    if (at + 2 > length) return { count, end: at, stop: 'short' };
    const fieldCount = view.getInt16(at);
    if (fieldCount === -1) return { count, end: at, stop: 'trailer' };
    if (fieldCount !== stride) {
      throw new DeltaError('SOURCE_QUERY_FAILED', `COPY sent a row of ${fieldCount} columns where ${stride} were expected.`);
    }
    let p = at + 2;
    for (let c = 0; c < stride; c++) {
      if (p + 4 > length) return { count, end: at, stop: 'short' };
      const size = view.getInt32(p);
      p += 4;
      if (size < 0) {
        starts[k + c] = -1;
        sizes[k + c] = 0;
      } else {
        starts[k + c] = p;
        sizes[k + c] = size;
        p += size;
      }
    }
    if (p > length) return { count, end: at, stop: 'short' };
    at = p;
    k += stride;
    count++;
  }
  return { count, end: at, stop: 'full' };
}

/** The header's length, or minus the bytes needed to read it when the buffer is too short. */
function headerLength(buffer: Uint8Array, view: DataView): number {
  if (buffer.length < 19) return -19;
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (buffer[i] !== SIGNATURE[i]) throw new DeltaError('SOURCE_QUERY_FAILED', 'The COPY stream does not start with the binary COPY signature.');
  }
  const extension = view.getInt32(15);
  return buffer.length < 19 + extension ? -(19 + extension) : 19 + extension;
}

function byteSize(builders: readonly ColumnBuilder[]): number {
  let total = 0;
  for (const builder of builders) total += builder.byteSize;
  return total;
}

function finishBatch(schema: Schema, builders: readonly ColumnBuilder[], rows: number): RecordBatch {
  const children = builders.map((b) => b.finish());
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
}

function grow(buffer: Uint8Array): Uint8Array {
  const next = new Uint8Array(buffer.length * 2);
  next.set(buffer);
  return next;
}
