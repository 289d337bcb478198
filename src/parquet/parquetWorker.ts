import { parentPort } from 'node:worker_threads';
import { tableFromIPC } from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm/node';
import type { DecodeRequest, DecodeResponse, WorkerReady } from './parquetWorkerProtocol';

/*
 * Worker entry of the Parquet decoding pool (src/parquet/parquetWorkerPool.ts). It uses
 * parquet-wasm's async ParquetFile reader, which reads only the chosen column chunks (the
 * synchronous readParquet decodes every column). That reader panics inside a promise job on a
 * corrupt page; here the uncaught exception ends only this worker, and the pool fails the request.
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

async function decode(request: DecodeRequest): Promise<DecodeResponse> {
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
    return { id: request.id, ipc: table.intoIPCStream() };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  } finally {
    opened?.file.free();
  }
}

const port = parentPort;
if (port) {
  port.on('message', (request: DecodeRequest) => {
    void decode(request).then((response) => {
      if ('ipc' in response) port.postMessage(response, [response.ipc.buffer as ArrayBuffer]);
      else port.postMessage(response);
    });
  });
  port.postMessage({ ready: true } satisfies WorkerReady);
}
