/**
 * What each ZSTD level costs and saves on the pages our flat encoder writes for the writer bench's rows:
 *
 *   node --import tsx bench/writer/zstdLevels.ts [--rows 1000000 (at most one row group)] [--levels 1,2,3] [--repeat 3]
 *
 * Encodes the rows once, keeping every page body (what the encoder hands ZSTD), then compresses all
 * of them at each level, one page at a time on libuv's threads, and prints the level's compressed MiB
 * (all pages, then per column) and its CPU ms (median of `--repeat`). delta-rs compresses at level 1
 * (deltalake's WriterProperties(compression="ZSTD") default, arrow-rs' ZstdLevel default).
 */
import { parseArgs } from 'node:util';
import { FlatParquetEncoder, flatColumns } from '../../src/parquet/flatEncoder/flatParquetEncoder';
import { nativeZstd } from '../../src/parquet/flatEncoder/nativeZstd';
import { sequentialBatches } from './writerData';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, levels: { type: 'string', default: '1,2,3' }, repeat: { type: 'string', default: '3' } } });
  const zstd = nativeZstd();
  if (!zstd) throw new Error('the native ZSTD module does not load here');
  const rows = Number(values.rows);
  // One row group: its dictionary pages are then the last pages compressed.
  if (!(rows > 0 && rows <= 1024 * 1024)) throw new Error(`--rows must be 1..1048576 (one row group), got ${values.rows}`);
  const batches = sequentialBatches(rows);
  const schema = batches[0]?.schema;
  const columns = schema ? flatColumns(schema) : undefined;
  if (!schema || !columns) throw new Error('the bench rows are not flat');
  // Page bodies in the order the encoder compresses them: a slice's pages go column by column.
  const pages: Array<{ body: Uint8Array; column: string }> = [];
  let next = 0;
  const encoder = new FlatParquetEncoder(columns, {
    zstd: (body, level) => {
      pages.push({ body: body.slice(), column: columns[next % columns.length]?.name ?? '?' });
      next++;
      return zstd(body, level);
    },
  });
  for (const batch of batches) await encoder.write(batch);
  // A row group's dictionary pages are compressed when it closes, after its data pages: counted apart.
  const dataPages = pages.length;
  await encoder.finish();
  pages.forEach((page, i) => { if (i >= dataPages) page.column = '(dictionary pages)'; });
  const raw = pages.reduce((n, p) => n + p.body.length, 0);
  process.stdout.write(`${pages.length} pages, ${(raw / 2 ** 20).toFixed(2)} MiB before ZSTD\n`);
  for (const level of values.levels.split(',').map(Number)) {
    const runs: number[] = [];
    const bytes = new Map<string, number>();
    for (let r = 0; r < Math.max(1, Number(values.repeat)); r++) {
      const before = process.cpuUsage();
      for (const page of pages) {
        const compressed = await zstd(page.body, level);
        if (r === 0) bytes.set(page.column, (bytes.get(page.column) ?? 0) + compressed.length);
      }
      const used = process.cpuUsage(before);
      runs.push((used.user + used.system) / 1000);
    }
    const median = runs.sort((a, b) => a - b)[runs.length >> 1] ?? 0;
    const total = [...bytes.values()].reduce((a, b) => a + b, 0);
    const perColumn = [...bytes.entries()].map(([name, n]) => `${name} ${(n / 1024).toFixed(0)}K`).join(', ');
    process.stdout.write(`level ${level}: ${(total / 2 ** 20).toFixed(2)} MiB, ${median.toFixed(0)} ms CPU (${runs.map((ms) => ms.toFixed(0)).join(' / ')})\n  ${perColumn}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
