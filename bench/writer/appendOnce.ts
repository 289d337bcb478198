/**
 * One append of the writer bench's rows through the real write path (`writeTable`, DataFileWriter,
 * the flat encoder), in this process, for profiling and quick before/after checks:
 *
 *   node --import tsx bench/writer/appendOnce.ts [--rows 1000000] [--repeat 1]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/writer/appendOnce.ts
 *
 * Prints per append: wall ms, process CPU ms (all threads: libuv's ZSTD included), main-thread
 * CPU ms, data file MiB, and the peak RSS at the end. The rows are generated before timing.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTable } from '../../src/delta/write/writeTable';
import { procStatusKiB } from '../procStatus';
import { mainThreadCpuMs } from './threadCpu';
import { sequentialBatches } from './writerData';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, repeat: { type: 'string', default: '1' } } });
  const rows = Number(values.rows);
  const batches = sequentialBatches(rows);
  for (let run = 0; run < Math.max(1, Number(values.repeat)); run++) {
    const dir = mkdtempSync(join(tmpdir(), 'append-once-'));
    const table = join(dir, 'table');
    const cpu = process.cpuUsage();
    const main = mainThreadCpuMs();
    const started = performance.now();
    await writeTable(table, batches, { mode: 'error' });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const mainMs = mainThreadCpuMs() - main;
    const bytes = readdirSync(table).filter((f) => f.endsWith('.parquet')).reduce((n, f) => n + statSync(join(table, f)).size, 0);
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`${rows} rows: wall ${ms.toFixed(0)} ms, cpu ${((used.user + used.system) / 1000).toFixed(0)} ms, main thread ${mainMs} ms, ${(bytes / 2 ** 20).toFixed(2)} MiB, peak ${(procStatusKiB('VmHWM') / 1024).toFixed(0)} MiB\n`);
  }
}

// No top-level await: bench children are bundled to CommonJS.
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
