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
 * Turns a `COPY … TO STDOUT (FORMAT binary)` byte stream into Arrow record batches of `schema`,
 * decoding column i with `decoders[i]` ("Binary Format" in the COPY reference page). Memory stays
 * bounded by one batch plus one chunk: the stream is pulled only as batches are consumed.
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
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  /** Bytes the incomplete row at the head of `pending` needs at least, before parsing it again is worth it. */
  let needed = 0;
  let headerDone = false;
  let ended = false;

  for await (const chunk of chunks) {
    if (ended) break;
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < needed) continue;
    let buffer: Uint8Array;
    let position = 0;
    const tail = pending.length === 2 && headerDone ? pending[0] as Uint8Array : undefined;
    if (tail) {
      // The row begun in the tail is completed in a buffer of its own, and the rest read in place:
      // joining the tail with the whole chunk copied the stream once more.
      const straddling = completeRow(tail, chunk, needed, cells);
      if (straddling.stop === 'short') {
        pending = [concat(pending, pendingBytes)];
        needed = straddling.needed;
        continue;
      }
      if (straddling.stop === 'trailer') {
        // Read on to the stream's end, as below: pg still has to see the copy finish.
        ended = true;
        continue;
      }
      const { joined } = straddling;
      const joinedView = new DataView(joined.buffer, joined.byteOffset, joined.byteLength);
      for (let c = 0; c < columns; c++) (builders[c] as ColumnBuilder).appendColumn(joined, joinedView, cells, c, 1);
      rows++;
      if (rows >= limits.rows || byteSize(builders) >= limits.bytes) {
        yield finishBatch(schema, builders, rows);
        rows = 0;
      }
      buffer = chunk;
      position = straddling.end - tail.length;
    } else {
      buffer = pending.length === 1 ? chunk : concat(pending, pendingBytes);
    }
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (!headerDone) {
      const headerEnd = headerLength(buffer, view);
      if (headerEnd < 0) {
        pending = [buffer];
        pendingBytes = buffer.length;
        needed = -headerEnd;
        continue;
      }
      position = headerEnd;
      headerDone = true;
    }
    // Runs of complete rows: first where each value is, then each column decoded in one call.
    for (;;) {
      const run = scanRows(view, position, cells, Math.min(RUN_ROWS, limits.rows - rows));
      if (run.count > 0) {
        for (let c = 0; c < columns; c++) (builders[c] as ColumnBuilder).appendColumn(buffer, view, cells, c, run.count);
        rows += run.count;
        position = run.end;
        if (rows >= limits.rows || byteSize(builders) >= limits.bytes) {
          yield finishBatch(schema, builders, rows);
          rows = 0;
        }
      }
      if (run.stop === 'trailer') ended = true;
      if (run.stop !== 'full') {
        needed = run.needed;
        break;
      }
    }
    // Keep the unparsed tail; `needed` becomes relative to it.
    const rest = buffer.subarray(position);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    needed -= position;
  }
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
  /** With `short`: a lower bound of the bytes (from the buffer's start) the next row needs. */
  needed: number;
}

/** Locates the values of up to `max` complete rows from `start` into `cells`. */
function scanRows(view: DataView, start: number, cells: RowCells, max: number): Run {
  const length = view.byteLength;
  const { starts, sizes, stride } = cells;
  let at = start;
  let count = 0;
  let k = 0;
  while (count < max) {
    if (at + 2 > length) return { count, end: at, stop: 'short', needed: at + 2 };
    const fieldCount = view.getInt16(at);
    if (fieldCount === -1) return { count, end: at, stop: 'trailer', needed: 0 };
    if (fieldCount !== stride) {
      throw new DeltaError('SOURCE_QUERY_FAILED', `COPY sent a row of ${fieldCount} columns where ${stride} were expected.`);
    }
    let p = at + 2;
    for (let c = 0; c < stride; c++) {
      if (p + 4 > length) return { count, end: at, stop: 'short', needed: p + 4 };
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
    if (p > length) return { count, end: at, stop: 'short', needed: p };
    at = p;
    k += stride;
    count++;
  }
  return { count, end: at, stop: 'full', needed: 0 };
}

/**
 * Bytes of the next chunk joined to a tail at first, beyond those the row is known to need: about
 * a typical row's worth. A longer row takes another try or two (each at least doubles the bytes);
 * 4096 cost a 4 KiB allocation and copy per socket chunk, which are often only 8 KiB.
 */
const JOIN_SLACK = 256;

type Straddling = { stop: 'row'; joined: Uint8Array; end: number } | { stop: 'short'; needed: number } | { stop: 'trailer' };

/**
 * The one row that begins in `tail` (an incomplete row, needing at least `needed` bytes) and ends
 * in `chunk`, located into `cells` in a buffer of the tail and as much of the chunk's start as it
 * needs; `end` is where it ends in that buffer. `short` when the chunk does not complete it.
 */
function completeRow(tail: Uint8Array, chunk: Uint8Array, needed: number, cells: RowCells): Straddling {
  let take = Math.min(chunk.length, needed - tail.length + JOIN_SLACK);
  for (;;) {
    const joined = new Uint8Array(tail.length + take);
    joined.set(tail);
    joined.set(chunk.subarray(0, take), tail.length);
    const run = scanRows(new DataView(joined.buffer), 0, cells, 1);
    if (run.stop === 'trailer') return { stop: 'trailer' };
    if (run.count === 1) return { stop: 'row', joined, end: run.end };
    if (take === chunk.length) return { stop: 'short', needed: run.needed };
    take = Math.min(chunk.length, Math.max(run.needed - tail.length, take * 2));
  }
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

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
