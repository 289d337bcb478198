import { counted } from '../../util/counted';
import type { PipelineRunResult } from './runPipeline';

/**
 * One line about a finished ingest run, the same in the CLI and the extension's status panel. With
 * `target` the line names the table (the CLI's output); the panel shows the target on a row of its own.
 */
export function pipelineRunSummary(run: PipelineRunResult, target?: string): string {
  const into = target === undefined ? '' : ` into ${target}`;
  switch (run.mode) {
    case 'snapshot': {
      const r = run.result;
      const files = target === undefined ? '' : ` (${counted(r.filesAdded, 'file')})`;
      const position = r.position ? `source snapshot at LSN ${r.position.lsn}` : 'read by SELECT (the server has no COPY TO or WAL position)';
      return `Copied ${counted(r.rows, 'row')}${into} as version ${r.version}${files}; ${position}.`;
    }
    case 'incremental': {
      const r = run.result;
      return r.version === undefined
        ? `No row is past the watermark ${r.from ?? '(none)'}; ${target ?? 'the table'} is unchanged.`
        : `Merged ${counted(r.rows, 'row')}${into} as version ${r.version}; watermark ${r.from ?? '(start)'} → ${r.to ?? ''}.`;
    }
    case 'cdc': {
      const r = run.result;
      const snapshot = r.snapshot ? `Snapshot of ${counted(r.snapshot.rows, 'row')} at LSN ${r.snapshot.lsn} (version ${r.snapshot.version}), then ` : '';
      const changes = `${counted(r.changes, 'change')} in ${counted(r.commits, 'commit')}`;
      return `${snapshot}${changes}; ${target ?? 'the table'} is up to date with LSN ${r.lsn} (slot ${r.slot}).`;
    }
  }
}
