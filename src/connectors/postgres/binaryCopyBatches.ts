import { makeData, RecordBatch, Struct, type Schema } from 'apache-arrow';
import { DeltaError } from '../../delta/errors';
import { createColumnBuilder, type ColumnBuilder } from './arrowColumnBuilder';
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
    const buffer = pending.length === 1 ? chunk : concat(pending, pendingBytes);
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let position = 0;
    if (!headerDone) {
      const headerEnd = headerLength(buffer, view);
      if (headerEnd < 0) {
        pending = [buffer];
        needed = -headerEnd;
        continue;
      }
      position = headerEnd;
      headerDone = true;
    }
    for (;;) {
      if (position + 2 > buffer.length) {
        needed = position + 2;
        break;
      }
      const fieldCount = view.getInt16(position);
      if (fieldCount === -1) {
        ended = true;
        break;
      }
      if (fieldCount !== builders.length) {
        throw new DeltaError('SOURCE_QUERY_FAILED', `COPY sent a row of ${fieldCount} columns where ${builders.length} were expected.`);
      }
      const rowEnd = completeRowEnd(view, position + 2, fieldCount);
      if (rowEnd < 0) {
        needed = -rowEnd;
        break;
      }
      let at = position + 2;
      for (let c = 0; c < fieldCount; c++) {
        const size = view.getInt32(at);
        at += 4;
        const builder = builders[c] as ColumnBuilder;
        if (size < 0) {
          builder.appendNull();
        } else {
          builder.append(buffer, view, at, size);
          at += size;
        }
      }
      position = rowEnd;
      rows++;
      if (rows >= limits.rows || (rows % 256 === 0 && byteSize(builders) >= limits.bytes)) {
        yield finishBatch(schema, builders, rows);
        rows = 0;
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

/** The header's length, or minus the bytes needed to read it when the buffer is too short. */
function headerLength(buffer: Uint8Array, view: DataView): number {
  if (buffer.length < 19) return -19;
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (buffer[i] !== SIGNATURE[i]) throw new DeltaError('SOURCE_QUERY_FAILED', 'The COPY stream does not start with the binary COPY signature.');
  }
  const extension = view.getInt32(15);
  return buffer.length < 19 + extension ? -(19 + extension) : 19 + extension;
}

/** Where a row whose fields start at `start` ends, or minus a lower bound of the bytes it needs. */
function completeRowEnd(view: DataView, start: number, fieldCount: number): number {
  let at = start;
  for (let c = 0; c < fieldCount; c++) {
    if (at + 4 > view.byteLength) return -(at + 4);
    const size = view.getInt32(at);
    at += 4 + Math.max(size, 0);
  }
  return at > view.byteLength ? -at : at;
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
