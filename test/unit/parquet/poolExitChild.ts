import { tableFromArrays, type RecordBatch } from 'apache-arrow';
import { ParquetWorkerPool, parquetWorkerPool } from '../../../src/parquet/parquetWorkerPool';
import { decodeParquet } from '../../../src/parquet/readParquet';

/*
 * Run by parquetWorkerExit.test.ts: uses the process's pool the way a CLI command would, never
 * closes it, and returns. The process must then exit on its own: no worker may keep it alive.
 */
const batch = tableFromArrays({ id: Int32Array.from({ length: 1000 }, (_, i) => i) }).batches[0] as RecordBatch;
const pool = parquetWorkerPool();

const finished = pool.encoder();
await finished.write(batch);
const bytes = await finished.finish();

const aborted = pool.encoder();
await aborted.write(batch);
aborted.abort();

// Left open: neither finished nor aborted (a caller that failed elsewhere).
const abandoned = pool.encoder();
await abandoned.write(batch);

const stop = new AbortController();
stop.abort(new Error('stopped'));
const dropped = await pool.decode(bytes, { signal: stop.signal }).then(() => 'decoded', (error: unknown) => (error as Error).message);
const decoded = await pool.decode(bytes, { columns: ['id'] });

// Started ahead of work that never came (a DML whose row groups were all small enough to decode here).
new ParquetWorkerPool(1).prestart();

process.stdout.write(`${JSON.stringify({ rows: decodeParquet(bytes).numRows, dropped, decoded: decoded.numRows })}\n`);
