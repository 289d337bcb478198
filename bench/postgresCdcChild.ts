/**
 * `cdc --follow` for the cdc part of the PostgreSQL benchmark, in its own process as the CLI runs it:
 * one JSON line per Delta commit on stdout (when it became visible, which source transactions it
 * holds), then a final line with the totals once SIGTERM stops it.
 */
import { ingestPostgresCdc, type CdcBatchTimings } from '../src/ops/ingest/ingestPostgresCdc';

export interface CdcCommitLine {
  kind: 'commit';
  /** Date.now() right after the Delta commit: the changes are visible from then on. */
  visibleAt: number;
  lsn: string;
  changes: number;
  /** [source commit time ms, row changes] per source transaction. */
  transactions: Array<[number, number]>;
  timings?: CdcBatchTimings;
}

export interface CdcEndLine { kind: 'end'; commits: number; changes: number; cpuMs: number; ms: number }

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as { url: string; table: string; target: string; slot: string };
  const controller = new AbortController();
  process.once('SIGTERM', () => controller.abort());
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await ingestPostgresCdc({
    url: job.url, table: job.table, target: job.target, slot: job.slot, until: 'follow', signal: controller.signal,
    onCommit: (commit) => {
      const line: CdcCommitLine = {
        kind: 'commit', visibleAt: Date.now(), lsn: commit.lsn, changes: commit.changes,
        transactions: commit.sourceTransactions.map((t) => [t.commitTime, t.changes]),
        ...(commit.timings ? { timings: commit.timings } : {}),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  const end: CdcEndLine = { kind: 'end', commits: result.commits, changes: result.changes, cpuMs: (cpu.user + cpu.system) / 1000, ms: performance.now() - started };
  process.stdout.write(`${JSON.stringify(end)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
