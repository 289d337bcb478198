/**
 * The flat encoder of two (or more) source trees on the writer bench's rows, in one process, runs
 * alternating: CPU differences of 10-15% that `npm run bench:writer` cannot show on a loaded
 * machine (delta-rs' own CPU spreads by 50% there) show here.
 *
 *   node --expose-gc --import tsx bench/writer/encoderAB.ts [--rows 2000000] [--runs 7] <tree> <tree> ...
 *
 * A tree is a checkout's root (e.g. a `git archive` copy of a commit); the rows come from this one.
 * Prints per tree (treeAB.ts) the median and min of our main thread's CPU and of the process's CPU
 * (ZSTD on libuv's threads included), the medians of wall time and GC pauses, and the file size.
 */
import { parseArgs } from 'node:util';
import type { RecordBatch } from 'apache-arrow';
import { exportOf, measureAlternating, printTreeSamples } from './treeAB';
import { sequentialBatches } from './writerData';

interface Encoder { write(batch: RecordBatch): Promise<void>; finish(): Promise<Uint8Array> }
type EncoderFactory = (schema: RecordBatch['schema'], options: { compression: 'zstd' }) => Encoder | undefined;

function encoderOf(tree: string): Promise<EncoderFactory> {
  return exportOf(tree, 'src/parquet/flatEncoder/flatParquetEncoder.ts', 'flatParquetEncoder');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { rows: { type: 'string', default: '2000000' }, runs: { type: 'string', default: '7' } }, allowPositionals: true });
  if (positionals.length === 0) throw new Error('name one or more source trees');
  const factories = await Promise.all(positionals.map(encoderOf));
  const batches = sequentialBatches(Number(values.rows));
  const schema = batches[0]?.schema;
  if (!schema) throw new Error('--rows must be positive');
  const samples = await measureAlternating(factories.length, Number(values.runs), async (k) => {
    const encoder = (factories[k] as EncoderFactory)(schema, { compression: 'zstd' });
    if (!encoder) throw new Error('the flat encoder does not take these rows here (no native ZSTD?)');
    for (const batch of batches) await encoder.write(batch);
    return (await encoder.finish()).length;
  });
  printTreeSamples(positionals, samples);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
