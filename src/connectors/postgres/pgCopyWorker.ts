/**
 * Worker thread entry (bundled as dist/pgCopyWorker.cjs): copies one COPY stream in the reader's
 * exported snapshot over a connection of its own and decodes it into Arrow batches, whose buffers
 * are transferred to the reader. It runs ahead of the reader by at most `readAhead` batches; beyond
 * that it stops pulling the stream, so the server waits on the socket and memory stays bounded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toDataParts } from '../../arrow/transferableData';
import { toArrowSchema } from '../../delta/arrowSchema';
import { isDeltaError } from '../../delta/errors';
import { binaryCopyBatches } from './binaryCopyBatches';
import { copyOut } from './copyOutStream';
import type { CopyWorkerCredit, CopyWorkerJob, CopyWorkerMessage } from './copyWorkerProtocol';
import { connectPostgres } from './pgConnect';
import { queryError } from './pgSourceSchema';

/**
 * Bytes read off the socket while the decoded batches wait for credit: the server's socket buffer
 * (about 200 KiB) holds a few milliseconds of rows, so without this the server stopped whenever
 * the writer fell behind and this thread waited; on a loaded machine each stop cost it its turn.
 */
const SOCKET_READ_AHEAD = 8 * 1024 * 1024;

async function run(port: NonNullable<typeof parentPort>, job: CopyWorkerJob): Promise<void> {
  let credits = job.readAhead;
  let wake: (() => void) | undefined;
  port.on('message', (message: CopyWorkerCredit) => {
    if (message.kind !== 'credit') return;
    credits++;
    wake?.();
  });
  const post = (message: CopyWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  post({ kind: 'connecting' });
  const client = await connectPostgres(job.connection);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT ${client.escapeLiteral(job.snapshotId)}`);
    post({ kind: 'ready' });
    const stream = client.query(copyOut(job.sql, SOCKET_READ_AHEAD));
    const schema = toArrowSchema(job.deltaSchema);
    for await (const batch of binaryCopyBatches(stream, schema, job.decoders, job.limits)) {
      while (credits === 0) await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
      credits--;
      const transfer = new Set<ArrayBuffer>();
      const columns = batch.data.children.map((column) => toDataParts(column, transfer));
      post({ kind: 'batch', rows: batch.numRows, columns }, [...transfer]);
    }
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
  // Only now: the reader stops this thread on `end`, which would cut the connection mid-goodbye.
  post({ kind: 'end' });
}

const port = parentPort;
if (port) {
  run(port, workerData as CopyWorkerJob).catch((error: unknown) => {
    const failure = isDeltaError(error) ? error : queryError(error, (workerData as CopyWorkerJob).doing);
    port.postMessage({ kind: 'error', code: failure.code, message: failure.message } satisfies CopyWorkerMessage);
  });
}
