/**
 * A writer child process for the concurrency and crash tests:
 *   node --import tsx writerProcess.ts <tableDir> <partition> <appId> <batches> [rewriteEvery] [goFile]
 * Commits batches 0..batches-1 into a partition as an idempotent writer: batches the table already
 * holds (txn version of appId) are skipped. Every `rewriteEvery`-th batch (default 4) is a MERGE-like rewrite that reads
 * the partition, removes its files and adds one file holding all their batches, so the run mixes
 * blind appends with read-modify-write commits. Each file's `batches` tag lists the `appId:batch`
 * tokens it holds. A real conflict is printed and the batch redone from a fresh snapshot, as an
 * application would. Prints one JSON line per commit or conflict. With a goFile it prints
 * `{"ready":true}` once loaded and waits for that file, so several writers start together.
 */
import { randomUUID } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddFile } from '../../../src/delta/actions';
import { parsePredicate } from '../../../src/delta/predicate/parsePredicate';
import { ConcurrentModificationError } from '../../../src/delta/transaction/concurrentModificationError';
import { DeltaTable } from '../../../src/delta/table';
import { Transaction } from '../../../src/delta/transaction/transaction';

const [tableDir, partition, appId, batchesText, rewriteEveryText, goFile] = process.argv.slice(2);
if (!tableDir || !partition || !appId || !batchesText) throw new Error('usage: writerProcess.ts <tableDir> <partition> <appId> <batches> [rewriteEvery] [goFile]');
const batches = Number(batchesText);
const rewriteEvery = Number(rewriteEveryText ?? 4);
if (goFile) {
  process.stdout.write('{"ready":true}\n');
  for (;;) {
    if (await access(goFile).then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const table = await DeltaTable.open(tableDir);
for (let batch = 0; batch < batches;) {
  try {
    if (await commitBatch(batch)) batch++;
  } catch (error) {
    if (!(error instanceof ConcurrentModificationError)) throw error;
    process.stdout.write(`${JSON.stringify({ appId, batch, conflict: error.kind, winningVersion: error.winningVersion })}\n`);
  }
}

/** False when the batch is already in the table. */
async function commitBatch(batch: number): Promise<boolean> {
  const tx = await Transaction.start(table, { appId });
  const done = tx.txnVersion(appId as string);
  if (done !== undefined && done >= batch) return true;
  const rewrite = batch % rewriteEvery === rewriteEvery - 1;
  let held = [`${appId}:${batch}`];
  if (rewrite) {
    tx.readPredicate(parsePredicate(`part = '${partition}'`, tx.schema));
    const files = (tx.snapshot?.files() ?? []).filter((f) => f.partitionValues.part === partition);
    tx.readFiles(files);
    for (const file of files) {
      held = [...held, ...(file.tags?.batches ?? '').split(',')];
      tx.add({ remove: { path: file.path, deletionTimestamp: Date.now(), dataChange: true, partitionValues: file.partitionValues, size: file.size } });
    }
  }
  tx.add({ add: await writeDataFile(partition as string, held) });
  tx.setTxn(appId as string, batch);
  const result = await tx.commit({ operation: rewrite ? 'MERGE' : 'WRITE', parameters: { mode: 'Append' } });
  process.stdout.write(`${JSON.stringify({ appId, batch, version: result.version, attempts: result.attempts })}\n`);
  return true;
}

async function writeDataFile(part: string, held: string[]): Promise<AddFile> {
  const name = `part=${part}/${randomUUID()}.bin`;
  const bytes = new Uint8Array(4096).fill(held.length);
  await mkdir(join(tableDir as string, `part=${part}`), { recursive: true });
  await writeFile(join(tableDir as string, name), bytes);
  return {
    path: name, partitionValues: { part }, size: bytes.length, modificationTime: Date.now(), dataChange: true,
    stats: JSON.stringify({ numRecords: held.length }), tags: { batches: held.join(',') },
  };
}
