import { parentPort, type MessagePort } from 'node:worker_threads';
import { tableFromIPC, tableToIPC, type RecordBatch } from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm/node';
import { decodeBackToBack } from './decodeJoined';
import { hasNativeZstd } from './flatDecoder/decodeFlatParquet';
import { DecodeAllocations, RecycledBuffers } from './flatDecoder/recycledBuffers';
import { decodeRowGroupRange } from './flatDecoder/rowGroupRange';
import { wasmZstdLoaded } from './flatDecoder/wasmZstd';
import { batchToIPC, ParquetFileEncoder } from './parquetFileEncoder';
import type { DecodeFilesRequest, DecodeRangeRequest, DecodeRequest, WorkerRequest, WorkerResponse } from './parquetWorkerProtocol';
import { toTransferable } from './transferableTable';
import { SerialSessions } from '../util/serialSessions';

/*
 * Worker entry of the Parquet pool (src/parquet/parquetWorkerPool.ts).
 * Decoding uses parquet-wasm's async ParquetFile reader, which reads only the chosen column chunks
 * (the synchronous readParquet decodes every column). That reader panics inside a promise job on a
 * corrupt page; here the uncaught exception ends only this worker, and the pool fails the request.
 * Encoding streams each session's batches through the same ParquetFileEncoder the calling thread
 * would use, so the pool's files are byte for byte the ones encoded in-thread.
 */

/**
 * Opens the file for each request (reading its footer again is cheap) and frees it after: a file
 * kept open would hold the caller's shared bytes alive in this worker after the caller is done.
 */
async function openFile(bytes: Uint8Array): Promise<{ file: ParquetFile; columns: string[] }> {
  const file = await ParquetFile.fromFile(blobOver(bytes));
  const columns = tableFromIPC(file.schema().intoIPCStream()).schema.fields.map((f) => f.name);
  return { file, columns };
}

/**
 * A Blob for the reader without copying the whole file (a real Blob would): parquet-wasm only calls
 * `size`, `slice(start, end)` and `arrayBuffer()`, so each column chunk it reads is copied alone.
 */
function blobOver(bytes: Uint8Array): Blob {
  const over = (start: number, end: number): Pick<Blob, 'size' | 'slice' | 'arrayBuffer'> => ({
    size: end - start,
    slice: (from = 0, to = end - start) => over(start + from, start + Math.min(to, end - start)) as Blob,
    arrayBuffer: () => Promise.resolve(bytes.slice(start, end).buffer as ArrayBuffer),
  });
  return over(0, bytes.byteLength) as Blob;
}

/** The requested columns as the file spells them; a name the file lacks would make the reader panic. */
function projection(request: DecodeRequest, present: string[]): string[] | undefined {
  if (!request.columns) return undefined;
  const byLower = new Map(present.map((name) => [name.toLowerCase(), name]));
  const chosen = request.columns.flatMap((name) => byLower.get(name.toLowerCase()) ?? []);
  // The reader needs at least one column to count rows; the caller ignores columns it did not ask for.
  return chosen.length > 0 ? [...new Set(chosen)] : present.slice(0, 1);
}

async function decode(request: DecodeRequest): Promise<WorkerResponse> {
  let opened: { file: ParquetFile; columns: string[] } | undefined;
  try {
    opened = await openFile(request.bytes);
    const chosen = projection(request, opened.columns);
    const table = await opened.file.read({
      batchSize: request.batchSize,
      ...(chosen ? { columns: chosen } : {}),
      ...(request.rowGroups ? { rowGroups: request.rowGroups } : {}),
    });
    // intoIPCStream consumes (frees) the wasm table.
    return { kind: 'decoded', id: request.id, ipc: table.intoIPCStream() };
  } catch (error) {
    return { kind: 'decodeFailed', id: request.id, error: errorText(error) };
  } finally {
    opened?.file.free();
  }
}

/** Whole small files back to back in `bytes` as one joined batch; files of different shapes fail the request (the caller decodes them). */
async function decodeFiles(request: DecodeFilesRequest): Promise<WorkerResponse> {
  const { id, bytes, ends } = request;
  try {
    const batches = await decodeBackToBack(bytes, ends);
    if (batches.length !== 1) throw new Error(batches.length === 0 ? 'no rows to join' : 'the files are not all of one shape');
    return { kind: 'decoded', id, ipc: batchToIPC(batches[0] as RecordBatch) };
  } catch (error) {
    return { kind: 'decodeFailed', id, error: errorText(error) };
  }
}

/**
 * Column buffers of decoded row groups that the caller sent back, for the next decodes (see
 * RecycledBuffers), in shared memory: it does not drive this isolate's full GCs.
 */
const recycled = new RecycledBuffers(true);

/**
 * Some columns of one row group by the flat decoder; its buffers are moved to the caller, an IPC
 * stream only for what cannot move. The column buffers it took from `recycled` are named in the
 * answer, for the caller to send back when done.
 */
async function decodeRange(request: DecodeRangeRequest): Promise<{ response: WorkerResponse; transfer: ArrayBuffer[] }> {
  const { id } = request;
  try {
    const allocations = new DecodeAllocations(request.recycled ? recycled : undefined);
    const table = await decodeRowGroupRange(request.range, request.bytes, request.batchSize, allocations);
    if (table === undefined) return { response: { kind: 'decodeFailed', id, error: 'the flat decoder does not read this row group' }, transfer: [] };
    const moved = toTransferable(table);
    if (moved) {
      const sent = new Set<ArrayBufferLike>([...moved.transfer, ...moved.shared]);
      const recyclable = [...allocations.taken].filter((buffer) => sent.has(buffer));
      // Taken but in no column (a dictionary's row entries given up late): free again here.
      recycled.give([...allocations.taken].filter((buffer) => !sent.has(buffer)));
      return { response: { kind: 'decodedMoved', id, table: moved.message, recyclable }, transfer: moved.transfer };
    }
    const ipc = tableToIPC(table, 'stream');
    return { response: { kind: 'decoded', id, ipc }, transfer: [ipc.buffer as ArrayBuffer] };
  } catch (error) {
    return { response: { kind: 'decodeFailed', id, error: errorText(error) }, transfer: [] };
  }
}

function serve(port: MessagePort): void {
  const send = (response: WorkerResponse, transfer: ArrayBuffer[] = []): void => port.postMessage(response, transfer);
  const sessions = new SerialSessions<ParquetFileEncoder>((id, encoder, error) => {
    encoder.abort();
    send({ kind: 'encodeFailed', id, error: errorText(error) });
  });
  port.on('message', (request: WorkerRequest) => {
    switch (request.kind) {
      case 'decode':
        void decode(request).then((response) => send(response, response.kind === 'decoded' ? [response.ipc.buffer as ArrayBuffer] : []));
        return;
      case 'decodeFiles':
        // After the flat decoder's ZSTD has loaded (asynchronously): before, ZSTD files that the
        // joined decode leaves to decodeParquet would go through parquet-wasm, whose first decodes
        // grow this worker's memory.
        void wasmZstdLoaded().then(() => decodeFiles(request)).then((response) => {
          send(response, response.kind === 'decoded' ? [response.ipc.buffer as ArrayBuffer] : []);
        });
        return;
      case 'decodeRange':
        // The flat decoder's WebAssembly ZSTD is needed only without the native one.
        void (hasNativeZstd() ? Promise.resolve() : wasmZstdLoaded()).then(() => decodeRange(request)).then(({ response, transfer }) => send(response, transfer));
        return;
      case 'recycle':
        recycled.give(request.buffers);
        return;
      case 'encodeOpen':
        sessions.open(request.id, new ParquetFileEncoder(request.options));
        return;
      case 'encodeBatch':
        sessions.step(request.id, async (encoder) => {
          await encoder.writeIPC(request.ipc);
          send({ kind: 'encodeTaken', id: request.id });
        });
        return;
      case 'encodeFinish':
        sessions.step(request.id, async (encoder) => {
          const bytes = await encoder.finish();
          sessions.delete(request.id);
          send({ kind: 'encoded', id: request.id, bytes }, [bytes.buffer as ArrayBuffer]);
        });
        return;
      case 'encodeAbort':
        // Batches still queued for it are skipped.
        void sessions.end(request.id).then((encoder) => encoder?.abort());
        return;
    }
  });
  send({ kind: 'ready' });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

if (parentPort) serve(parentPort);
