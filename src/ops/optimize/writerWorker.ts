import { parentPort, type MessagePort } from 'node:worker_threads';
import { tableFromIPC } from 'apache-arrow';
import { isDeltaError } from '../../delta/errors';
import { DataFileWriter } from '../../delta/write/dataFileWriter';
import { LocalFileStore } from '../../storage/localFileStore';
import type { WriterRequest, WriterResponse } from './writerWorkerProtocol';

/*
 * Worker entry of a WriterThread (src/ops/optimize/writerThread.ts): runs the engine's own
 * DataFileWriter, so the files, their statistics and their names are the ones the calling thread
 * would have written, while that thread reads and joins the next rows.
 */

/** An open writer: its messages run one after another on `queue`. */
interface Session { writer: DataFileWriter; queue: Promise<void>; failed: boolean }

function serve(port: MessagePort): void {
  const sessions = new Map<number, Session>();
  const send = (response: WriterResponse): void => port.postMessage(response);
  const fail = (id: number, error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    send({ kind: 'failed', id, message, ...(isDeltaError(error) ? { code: error.code } : {}) });
  };
  const step = (id: number, work: (session: Session) => Promise<void>): void => {
    const session = sessions.get(id);
    if (!session) return;
    session.queue = session.queue.then(async () => {
      if (session.failed) return;
      try {
        await work(session);
      } catch (error) {
        session.failed = true;
        sessions.delete(id);
        // The writer deletes what it wrote: a failed session leaves no files behind.
        await session.writer.abort().catch(() => undefined);
        fail(id, error);
      }
    });
  };
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
        sessions.set(request.id, { writer, queue: Promise.resolve(), failed: false });
        return;
      }
      case 'batch':
        step(request.id, async ({ writer }) => {
          for (const batch of tableFromIPC(request.ipc).batches) await writer.write(batch);
          send({ kind: 'taken', id: request.id });
        });
        return;
      case 'finish':
        step(request.id, async ({ writer }) => {
          const files = await writer.finish();
          sessions.delete(request.id);
          send({ kind: 'finished', id: request.id, files });
        });
        return;
      case 'abort': {
        const session = sessions.get(request.id);
        sessions.delete(request.id);
        if (!session) {
          send({ kind: 'aborted', id: request.id });
          return;
        }
        // Batches still queued for it are skipped; the abort runs after the one in progress.
        session.failed = true;
        void session.queue.then(() => session.writer.abort()).catch(() => undefined).then(() => send({ kind: 'aborted', id: request.id }));
        return;
      }
    }
  });
}

if (parentPort) serve(parentPort);
