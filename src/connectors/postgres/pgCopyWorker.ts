/**
 * Worker thread entry (bundled as dist/pgCopyWorker.cjs): copies one COPY stream in the reader's
 * exported snapshot over a connection of its own and decodes it into Arrow batches. Either their
 * buffers are transferred to the reader, at most `readAhead` batches ahead of it (beyond that it
 * stops pulling the stream, so the server waits on the socket and memory stays bounded), or, with
 * `job.files`, it writes them as Parquet data files itself and sends back only their add-action
 * data: the encoding then runs on this thread, beside the other stream's worker, instead of all of
 * it on the reader's. Its writer holds at most one open file (bounded like the reader's).
 */
import type { RecordBatch } from 'apache-arrow';
import { parentPort, workerData } from 'node:worker_threads';
import { toDataParts } from '../../arrow/transferableData';
import { toArrowSchema } from '../../delta/arrowSchema';
import { isDeltaError } from '../../delta/errors';
import { conformBatch } from '../../delta/write/conformBatch';
import { ConstraintChecker, tableConstraints } from '../../delta/write/constraints';
import { DataFileWriter } from '../../delta/write/dataFileWriter';
import { LocalFileStore } from '../../storage/localFileStore';
import { binaryCopyBatches } from './binaryCopyBatches';
import { copyOut } from './copyOutStream';
import type { CopyWorkerCredit, CopyWorkerFileTarget, CopyWorkerJob, CopyWorkerMessage } from './copyWorkerProtocol';
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
    const batches = binaryCopyBatches(stream, toArrowSchema(job.deltaSchema), job.decoders, job.limits);
    if (job.files) {
      await writeFiles(batches, job.files, post);
    } else {
      for await (const batch of batches) {
        while (credits === 0) await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
        credits--;
        const transfer = new Set<ArrayBuffer>();
        const columns = batch.data.children.map((column) => toDataParts(column, transfer));
        post({ kind: 'batch', rows: batch.numRows, columns }, [...transfer]);
      }
    }
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
  // Only now: the reader stops this thread on `end`, which would cut the connection mid-goodbye.
  post({ kind: 'end' });
}

/**
 * The batches as data files of `target`, conformed and constraint-checked as writeTable does:
 * after a violation the rows are still counted (the error says how many) but no more are written.
 * A failure deletes the files this worker wrote; its `files` go to the reader only on success.
 */
async function writeFiles(batches: AsyncIterable<RecordBatch>, target: CopyWorkerFileTarget, post: (message: CopyWorkerMessage) => void): Promise<void> {
  const writer = new DataFileWriter({
    store: new LocalFileStore(target.root),
    schema: target.schema,
    partitionColumns: [],
    columnMappingMode: target.columnMappingMode,
    stats: target.stats,
    targetFileSize: target.targetFileSize,
  });
  const checker = new ConstraintChecker(tableConstraints(target.schema, target.properties), target.schema);
  const arrowSchema = toArrowSchema(target.schema);
  try {
    for await (const batch of batches) {
      const conformed = conformBatch(batch, target.schema, arrowSchema);
      if (!checker.check(conformed) || checker.hasViolations) continue;
      await writer.write(conformed);
      post({ kind: 'written', rows: conformed.numRows });
    }
    checker.throwIfViolated();
    post({ kind: 'files', files: await writer.finish() });
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

const port = parentPort;
if (port) {
  run(port, workerData as CopyWorkerJob).catch((error: unknown) => {
    const failure = isDeltaError(error) ? error : queryError(error, (workerData as CopyWorkerJob).doing);
    port.postMessage({ kind: 'error', code: failure.code, message: failure.message } satisfies CopyWorkerMessage);
  });
}
