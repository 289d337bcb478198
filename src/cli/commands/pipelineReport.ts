import type { CliIO } from '../command';
import { writeJson, writeText } from '../command';
import type { CdcCommit } from '../../ops/ingest/ingestPostgresCdc';
import type { PipelineRunOptions, PipelineRunResult } from '../../ops/ingest/runPipeline';

/** Prints what an ingest run did: JSON (the result plus the redacted source) or one line. */
export async function writePipelineReport(io: CliIO, run: PipelineRunResult, target: string, source: string, json: boolean): Promise<void> {
  if (json) return writeJson(io.stdout, { source, mode: run.mode, ...run.result });
  await writeText(io.stdout, `${summaryLine(run, target)}\n`);
}

/**
 * cdc --follow reports on stderr: one line per Delta commit with the lag behind the source, and
 * one per reconnect attempt after the server went away, so a stalled stream is never silent.
 */
export function followReporters(io: CliIO): Pick<PipelineRunOptions, 'onCommit' | 'onReconnect'> {
  return {
    onCommit: (c: CdcCommit) => { void writeText(io.stderr, `version ${c.version}: ${c.changes} changes up to LSN ${c.lsn}, lag ${c.lagMs} ms\n`); },
    onReconnect: ({ delayMs, reason }) => { void writeText(io.stderr, `connection lost (${reason}); reconnecting in ${delayMs} ms\n`); },
  };
}

function summaryLine(run: PipelineRunResult, target: string): string {
  switch (run.mode) {
    case 'snapshot': {
      const r = run.result;
      return `Copied ${r.rows} rows into ${target} as version ${r.version} (${r.filesAdded} files); ${r.position ? `source snapshot at LSN ${r.position.lsn}` : 'read by SELECT (the server has no COPY TO or WAL position)'}.`;
    }
    case 'incremental': {
      const r = run.result;
      return r.version === undefined
        ? `No row is past the watermark ${r.from ?? '(none)'}; ${target} is unchanged.`
        : `Merged ${r.rows} rows into ${target} as version ${r.version}; watermark ${r.from ?? '(start)'} -> ${r.to ?? ''}.`;
    }
    case 'cdc': {
      const r = run.result;
      const snapshot = r.snapshot ? `snapshot of ${r.snapshot.rows} rows at LSN ${r.snapshot.lsn} (version ${r.snapshot.version}), then ` : '';
      return `${snapshot}${r.changes} changes in ${r.commits} commits; ${target} is up to date with LSN ${r.lsn} (slot ${r.slot}).`;
    }
  }
}
