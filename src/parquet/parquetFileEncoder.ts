import { Table as ArrowTable, tableToIPC, type RecordBatch } from 'apache-arrow';
import { Table, transformParquetStream, type RecordBatch as WasmRecordBatch } from 'parquet-wasm/node';
import { parquetWriterProperties, type ParquetWriteOptions } from './writeParquet';
import { concatBytes } from '../util/concatBytes';

/** Encodes one Parquet file from record batches as they arrive, on this thread or in a worker. */
export interface ParquetEncoder {
  /** Hands one batch (with the file's schema) to the encoder; resolves once it may take the next. */
  write(batch: RecordBatch): Promise<void>;
  /** Closes the file and returns its bytes (at least one non-empty batch must have been written). */
  finish(): Promise<Uint8Array>;
  /** Stops the encoder and drops what it has written. */
  abort(): void;
}

/**
 * One Parquet file encoded while its record batches arrive, through parquet-wasm's streaming
 * writer (arrow-rs `AsyncArrowWriter`): each batch crosses into wasm memory as it is written and
 * arrow-rs keeps only the open row group's encoded pages, so neither the file's Arrow data nor an
 * IPC copy of all of it is ever held (`encodeParquet` needs both). The bytes of the finished row
 * groups collect here until `finish`.
 */
export class ParquetFileEncoder implements ParquetEncoder {
  private readonly input: ReadableStreamDefaultController<WasmRecordBatch>;
  private readonly chunks: Uint8Array[] = [];
  private readonly done: Promise<void>;
  private failure: unknown;
  private settled = false;
  private batches = 0;

  constructor(options: ParquetWriteOptions = {}) {
    let controller: ReadableStreamDefaultController<WasmRecordBatch> | undefined;
    const input = new ReadableStream<WasmRecordBatch>({ start: (c) => { controller = c; } }, new CountQueuingStrategy({ highWaterMark: 1 }));
    this.input = controller as unknown as ReadableStreamDefaultController<WasmRecordBatch>;
    // The writer settles only once it has read the first batch (it takes the schema from it), so
    // it is not awaited here; its failure surfaces in write() or finish().
    this.done = this.collect(transformParquetStream(input, parquetWriterProperties(options)));
  }

  /** Hands one batch (with the file's schema) to the encoder; resolves once it has been taken. */
  async write(batch: RecordBatch): Promise<void> {
    if (batch.numRows === 0) return this.throwIfFailed();
    await this.writeIPC(batchToIPC(batch));
  }

  /** `write` for a batch already serialised as an Arrow IPC stream of one non-empty batch (as a worker receives it). */
  async writeIPC(ipc: Uint8Array): Promise<void> {
    this.throwIfFailed();
    const table = Table.fromIPCStream(ipc);
    const wasmBatch = table.recordBatch(0);
    table.free();
    if (!wasmBatch) throw new RangeError('ParquetFileEncoder: the IPC copy of a batch has no rows.');
    this.input.enqueue(wasmBatch);
    this.batches++;
    // Backpressure: at most one batch waits in the queue while arrow-rs encodes the previous one.
    while ((this.input.desiredSize ?? 1) <= 0 && !this.settled) await new Promise((resolve) => setImmediate(resolve));
    this.throwIfFailed();
  }

  /** Closes the file and returns its bytes (at least one non-empty batch must have been written). */
  async finish(): Promise<Uint8Array> {
    if (this.batches === 0) throw new RangeError('ParquetFileEncoder.finish needs at least one non-empty batch (it takes the schema from it).');
    this.input.close();
    await this.done;
    this.throwIfFailed();
    return concatBytes(this.chunks.splice(0));
  }

  /** Stops the encoder and drops what it has written (frees its wasm memory). */
  abort(): void {
    if (this.settled) return;
    try {
      this.input.error(new Error('aborted'));
    } catch {
      // Already closed: the writer finishes on its own and its bytes are dropped.
    }
    this.chunks.length = 0;
  }

  private async collect(output: Promise<ReadableStream>): Promise<void> {
    try {
      const reader = (await output).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.chunks.push(value as Uint8Array);
      }
    } catch (error) {
      this.failure = error ?? new Error('the Parquet writer failed');
    } finally {
      this.settled = true;
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure instanceof Error ? this.failure : new Error(String(this.failure));
  }
}

/** One batch as an Arrow IPC stream, in a buffer of its own (so it can be transferred to a worker). */
export function batchToIPC(batch: RecordBatch): Uint8Array {
  return tableToIPC(new ArrowTable(batch.schema, [batch]), 'stream');
}
