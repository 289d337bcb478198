import { parentPort, type MessagePort } from 'node:worker_threads';
import { tableFromIPC } from 'apache-arrow';
import { isDeltaError } from '../../delta/errors';
import { DataFileWriter } from '../../delta/write/dataFileWriter';
import { LocalFileStore } from '../../storage/localFileStore';
import { SerialSessions } from '../../util/serialSessions';
import type { WriterRequest, WriterResponse } from './writerWorkerProtocol';

/*
 * Worker entry of a WriterThread (src/ops/optimize/writerThread.ts): runs the engine's own
 * DataFileWriter, so the files, their statistics and their names are the ones the calling thread
 * would have written, while that thread reads and joins the next rows.
 */

function serve(port: MessagePort): void {
  const send = (response: WriterResponse): void => port.postMessage(response);
  const fail = (id: number, error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    send({ kind: 'failed', id, message, ...(isDeltaError(error) ? { code: error.code } : {}) });
  };
  const sessions = new SerialSessions<DataFileWriter>(async (id, writer, error) => {
    // The writer deletes what it wrote: a failed session leaves no files behind.
    await writer.abort().catch(() => undefined);
    fail(id, error);
  });
  port.on('message', (request: WriterRequest) => {
    switch (request.kind) {
      case 'open': {
        const { root, ...options } = request.options;
        let writer: DataFileWriter;
        try {
          writer = new DataFileWriter({ ...options, store: new LocalFileStore(root) });
        } catch (error) {
          // Nothing written yet: the messages that follow for this id are dropped.
          fail(request.id, error);
          return;
        }
        sessions.open(request.id, writer);
        return;
      }
      case 'batch':
        sessions.step(request.id, async (writer) => {
          for (const batch of tableFromIPC(request.ipc).batches) await writer.write(batch);
          send({ kind: 'taken', id: request.id });
        });
        return;
      case 'finish':
        sessions.step(request.id, async (writer) => {
          const files = await writer.finish();
          sessions.delete(request.id);
          send({ kind: 'finished', id: request.id, files });
        });
        return;
      case 'abort':
        // Batches still queued for it are skipped; the abort runs after the one under way.
        void sessions.end(request.id)
          .then((writer) => writer?.abort())
          .catch(() => undefined)
          .then(() => send({ kind: 'aborted', id: request.id }));
        return;
    }
  });
}

if (parentPort) serve(parentPort);
