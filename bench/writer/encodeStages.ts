/**
 * Where the CPU of our append goes, stage by stage, on one thread (no worker, no Delta log):
 *
 *   node --import tsx bench/writer/encodeStages.ts [--rows 1000000] [--repeat 3] [--variants]
 *
 * Each stage runs alone over the same generated batches (bench/writer/writerData.ts) and is timed
 * in CPU ms (process.cpuUsage: this thread and V8's helpers): generating the rows, the Delta
 * statistics (StatsCollector), the physical batch, the Arrow IPC copy (batchToIPC), the import into
 * wasm (Table.fromIPCStream), and arrow-rs encoding through the streaming encoder, once with ours'
 * writer properties, once uncompressed (the difference is ZSTD) and once uncompressed without
 * dictionaries (the difference is dictionary work), then the TypeScript encoder of flat schemas
 * (src/parquet/flatEncoder; its ZSTD runs on libuv's threads, counted too), then writing the file. `--variants` also
 * encodes with other writer properties and prints each one's CPU and bytes. Encodes are the median of
 * `--repeat` runs.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RecordBatch } from 'apache-arrow';
import { Table } from 'parquet-wasm/node';
import { ParquetFileEncoder, batchToIPC, type ParquetEncoder } from '../../src/parquet/parquetFileEncoder';
import { flatParquetEncoder } from '../../src/parquet/flatEncoder/flatParquetEncoder';
import { plainColumns } from '../../src/parquet/plainColumns';
import type { ParquetWriteOptions } from '../../src/parquet/writeParquet';
import { deltaSchemaFromArrow } from '../../src/delta/write/deltaTypeFromArrow';
import { physicalFileSchema, toPhysicalBatch } from '../../src/delta/write/physicalData';
import { StatsCollector } from '../../src/delta/write/statsCollector';
import { sequentialBatches, WRITER_SCHEMA } from './writerData';

function cpuMs<T>(work: () => T): { ms: number; value: T } {
  const before = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, value };
}

async function cpuMsAsync<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const before = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, value };
}

async function encode(batches: readonly RecordBatch[], options: ParquetWriteOptions, flat = false): Promise<Uint8Array> {
  const encoder: ParquetEncoder = (flat ? flatParquetEncoder(batches[0]!.schema, options) : undefined) ?? new ParquetFileEncoder(options);
  for (const batch of batches) await encoder.write(batch);
  return encoder.finish();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '1000000' }, repeat: { type: 'string', default: '3' }, variants: { type: 'boolean', default: false } },
  });
  const rows = Number(values.rows);
  const repeat = Math.max(1, Number(values.repeat));
  const line = (stage: string, ms: number, extra = ''): void => { process.stdout.write(`${stage.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms${extra}\n`); };
  process.stdout.write(`${rows.toLocaleString('en-US')} rows x 10 columns, CPU ms on one thread\n`);
  const generated = cpuMs(() => sequentialBatches(rows));
  line('generate the batches (not timed by the bench)', generated.ms);
  const batches = generated.value;
  // The first encode in a process compiles and tiers up the wasm module: timed apart.
  line('wasm warm-up (first encode of 10,000 rows)', (await cpuMsAsync(() => encode([batches[0]!.slice(0, 10_000)], {}))).ms);

  const schema = deltaSchemaFromArrow(WRITER_SCHEMA);
  const fileSchema = physicalFileSchema(schema, 'none');
  line('Delta statistics (StatsCollector.add + toJson)', cpuMs(() => {
    const stats = new StatsCollector(schema, 'none');
    for (const batch of batches) stats.add(batch);
    return stats.toJson();
  }).ms);
  const physical = cpuMs(() => batches.map((b) => toPhysicalBatch(b, schema, fileSchema)));
  line('physical batch (toPhysicalBatch)', physical.ms);
  const ipc = cpuMs(() => physical.value.map(batchToIPC));
  line('Arrow IPC copy (batchToIPC)', ipc.ms);
  line('wasm import (Table.fromIPCStream + recordBatch, freed)', cpuMs(() => {
    for (const bytes of ipc.value) {
      const table = Table.fromIPCStream(bytes);
      table.recordBatch(0)?.free();
      table.free();
    }
  }).ms);

  // Encodes vary most between runs (wasm memory growth, GC): the median of `--repeat` runs.
  const measure = async (label: string, options: ParquetWriteOptions, flat = false): Promise<{ ms: number; bytes: Uint8Array }> => {
    const runs: Array<{ ms: number; value: Uint8Array }> = [];
    for (let i = 0; i < repeat; i++) runs.push(await cpuMsAsync(() => encode(physical.value, options, flat)));
    const { ms, value } = runs.sort((a, b) => a.ms - b.ms)[runs.length >> 1] as { ms: number; value: Uint8Array };
    line(label, ms, `  ${(value.length / 2 ** 20).toFixed(2)} MiB`);
    return { ms, bytes: value };
  };
  const first = physical.value[0]!;
  const sampled = cpuMs(() => plainColumns(first));
  line(`plainColumns of the first batch: ${sampled.value.join(', ')}`, sampled.ms);
  const all = first.schema.fields.map((f) => f.name);
  const ours = await measure('streaming encode, our properties (IPC + import included)', { plainColumns: sampled.value });
  await measure('  the same, uncompressed', { compression: 'uncompressed', plainColumns: sampled.value });
  await measure('  uncompressed, every column with a dictionary', { compression: 'uncompressed' });
  await measure('  uncompressed, no dictionaries', { compression: 'uncompressed', plainColumns: all });
  // What the writer uses for a flat schema when the native ZSTD loads (else the same as above).
  await measure('flat encoder: PLAIN pages + native ZSTD (all threads)', {}, true);
  await measure('  the same, uncompressed', { compression: 'uncompressed' }, true);
  if (values.variants) {
    await measure('  ZSTD, every column with a dictionary (before)', {});
    await measure('  ZSTD, no dictionaries', { plainColumns: all });
    await measure('  Snappy, our dictionaries', { compression: 'snappy', plainColumns: sampled.value });
    await measure('  Snappy, every column with a dictionary', { compression: 'snappy' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'encode-stages-'));
  line('write the file (writeFileSync)', cpuMs(() => writeFileSync(join(dir, 'f.parquet'), ours.bytes)).ms);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
