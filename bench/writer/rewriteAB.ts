/**
 * The decode and encode of a copy-on-write rewrite (the CPU of DELETE and MERGE below the
 * orchestration) for two (or more) source trees, in one process, runs alternating: every row
 * group of the first files of the writer bench's cached delta-rs target decoded by the tree's flat
 * decoder and written again by its flat encoder with 1% of the rows dropped (keep mask), with the
 * source's encoding hints, as rewriteFile does.
 *
 *   node --expose-gc --import tsx bench/writer/rewriteAB.ts [--files 2] [--runs 5] <tree> <tree> ...
 *
 * A tree is a checkout's root (e.g. a `git archive` copy of a commit). Run `npm run bench:writer
 * -- --only merge` once first: it caches the target table. Prints per tree the median of our main
 * thread's CPU, of the process's CPU (ZSTD on libuv's threads included), of the wall time and of GC
 * pauses, and the bytes written (equal bytes: the trees wrote the same files, most likely).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RecordBatch, Table } from 'apache-arrow';
import { exportOf, measureAlternating, printTreeSamples } from './treeAB';
import { WRITER_CACHE_DIR } from './writerTables';
import { FULL_SIZES } from './writerCases';

/** The rows rewriteFile reads a row group in. */
const BATCH_ROWS = 65_536;

interface Encoder {
  write(batch: RecordBatch, keep?: Uint8Array): Promise<void>;
  preferEncodings(hints: ReadonlyMap<string, string>): void;
  finishParts(): Promise<Uint8Array[]>;
}

/** The functions of one tree a rewrite goes through. */
interface Tree {
  footer: (bytes: Uint8Array) => { schema: Array<{ name: string }>; rowGroups: unknown[] } | undefined;
  plan: (bytes: Uint8Array, request: { columns: string[]; rowGroups: number[] }, nativeZstd: boolean) => unknown;
  decode: (bytes: Uint8Array, plan: unknown, batchSize: number) => Promise<Table>;
  nativeZstd: () => boolean;
  hints: (metadata: unknown) => ReadonlyMap<string, string>;
  encoder: (schema: RecordBatch['schema'], options: { compression: 'zstd' }) => Encoder | undefined;
}

async function treeOf(root: string): Promise<Tree> {
  const decoder = 'src/parquet/flatDecoder/decodeFlatParquet.ts';
  return {
    footer: await exportOf(root, 'src/parquet/flatDecoder/parquetFooter.ts', 'readParquetFooter'),
    plan: await exportOf(root, 'src/parquet/flatDecoder/flatParquetPlan.ts', 'planFlatRead'),
    decode: await exportOf(root, decoder, 'decodeFlatParquetNative'),
    nativeZstd: await exportOf(root, decoder, 'hasNativeZstd'),
    hints: await exportOf(root, 'src/parquet/flatEncoder/columnEncodingHints.ts', 'columnEncodingHints'),
    encoder: await exportOf(root, 'src/parquet/flatEncoder/flatParquetEncoder.ts', 'flatParquetEncoder'),
  };
}

/** Rewrites every file, each row group decoded alone, every 100th row dropped; returns the bytes written. */
async function rewrite(tree: Tree, files: readonly Uint8Array[]): Promise<number> {
  let bytes = 0;
  for (const file of files) {
    const footer = tree.footer(file);
    if (!footer) throw new Error('a target file without a footer the flat decoder reads');
    const columns = footer.schema.slice(1).map((element) => element.name);
    const hints = tree.hints(footer);
    let encoder: Encoder | undefined;
    for (let group = 0; group < footer.rowGroups.length; group++) {
      const plan = tree.plan(file, { columns, rowGroups: [group] }, tree.nativeZstd());
      if (!plan) throw new Error('a target file the flat decoder does not plan');
      for (const batch of (await tree.decode(file, plan, BATCH_ROWS)).batches) {
        encoder ??= tree.encoder(batch.schema, { compression: 'zstd' });
        if (!encoder) throw new Error('the flat encoder does not take these rows here (no native ZSTD?)');
        encoder.preferEncodings(hints);
        const keep = new Uint8Array(batch.numRows).fill(1);
        for (let row = 7; row < batch.numRows; row += 100) keep[row] = 0;
        await encoder.write(batch, keep);
      }
    }
    for (const part of (await encoder?.finishParts()) ?? []) bytes += part.byteLength;
  }
  return bytes;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { files: { type: 'string', default: '2' }, runs: { type: 'string', default: '5' } }, allowPositionals: true });
  if (positionals.length === 0) throw new Error('name one or more source trees');
  // The newest generation of the full-size target (writerTables names it target-<rows>-g<version>).
  const cached = readdirSync(WRITER_CACHE_DIR).filter((name) => name.startsWith(`target-${FULL_SIZES.targetRows}-g`)).sort().at(-1);
  const table = join(WRITER_CACHE_DIR, cached ?? 'none', 'plain');
  const names = cached ? readdirSync(table).filter((name) => name.endsWith('.parquet')).sort().slice(0, Number(values.files)) : [];
  if (names.length === 0) throw new Error(`no cached target under ${WRITER_CACHE_DIR}: run \`npm run bench:writer -- --only merge\` first`);
  const files = names.map((name) => new Uint8Array(readFileSync(join(table, name))));
  const trees = await Promise.all(positionals.map(treeOf));
  printTreeSamples(positionals, await measureAlternating(trees.length, Number(values.runs), (k) => rewrite(trees[k] as Tree, files)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
