import type { CliIO } from '../command';
import { writeJson, writeText } from '../command';
import type { CdcCommit } from '../../ops/ingest/ingestPostgresCdc';
import { pipelineRunSummary } from '../../ops/ingest/pipelineRunSummary';
import type { PipelineRunOptions, PipelineRunResult } from '../../ops/ingest/runPipeline';

/** Prints what an ingest run did: JSON (the result plus the redacted source) or one line. */
export async function writePipelineReport(io: CliIO, run: PipelineRunResult, target: string, source: string, json: boolean): Promise<void> {
  if (json) return writeJson(io.stdout, { source, mode: run.mode, ...run.result });
  await writeText(io.stdout, `${pipelineRunSummary(run, target)}\n`);
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
