import * as vscode from 'vscode';
import type { LoadedPipeline } from '../../ops/ingest/pipelineDefinition';
import { pipelineRunSummary } from '../../ops/ingest/pipelineRunSummary';
import type { PipelineRunResult } from '../../ops/ingest/runPipeline';
import { isDeltaError } from '../../delta/errors';
import { connectionProblem } from '../connections/connectionProblem';
import type { ConnectionStore } from '../connections/connectionStore';
import { endpointOfUrl } from '../connections/pgConnectionProfile';
import { errorMessage } from '../showError';
import type { RunRecord } from './pipelineStatus';

/**
 * The pipeline runs of this window, by pipeline file: at most one at a time per pipeline, each
 * under a cancellable progress notification, stoppable from the status panel too. A stop aborts
 * the engine's signal: cdc then commits what it buffered, confirms that LSN and nothing past it.
 */
export class PipelineRuns implements vscode.Disposable {
  private readonly records = new Map<string, RunRecord>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the pipeline file whose run changed (started, committed, finished). */
  readonly onDidChangeRun = this.changed.event;

  constructor(
    private readonly store: ConnectionStore,
    private readonly log: vscode.LogOutputChannel,
    /** After a run committed: the Tables view re-reads the target. */
    private readonly onDidWriteTable: (location: string) => void,
  ) {}

  get(file: string): RunRecord | undefined {
    return this.records.get(file);
  }

  isRunning(file: string): boolean {
    return this.controllers.has(file);
  }

  /** Runs the pipeline (cdc `follow` streams until stopped); resolves when it ends, undefined if it did not finish. */
  async run(pipeline: LoadedPipeline, follow: boolean): Promise<PipelineRunResult | undefined> {
    const { file, name } = pipeline;
    if (this.controllers.has(file)) {
      void vscode.window.showWarningMessage(`Pipeline "${name}" is already running.`);
      return undefined;
    }
    const definition = follow ? { ...pipeline.definition, until: 'follow' as const } : pipeline.definition;
    const controller = new AbortController();
    this.controllers.set(file, controller);
    const record: RunRecord = { state: follow ? 'following' : 'running', startedAt: Date.now(), rows: 0 };
    this.update(file, record);
    try {
      const { redactUrl } = await import('../../connectors/postgres/pgConnect');
      this.log.info(`Pipeline ${name}: ${definition.mode}${follow ? ' --follow' : ''} of ${definition.table ?? 'a query'} from ${redactUrl(definition.url)} into ${definition.to}`);
      const password = await this.store.passwordForUrl(definition.url);
      const { runPipeline } = await import('../../ops/ingest/runPipeline');
      const result = await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification, title: `Pipeline ${name}`, cancellable: true,
      }, (progress, token) => {
        token.onCancellationRequested(() => this.stop(file));
        progress.report({ message: follow ? 'connecting…' : `${definition.mode}…` });
        return runPipeline(definition, {
          signal: controller.signal,
          ...(password === undefined ? {} : { password }),
          onProgress: (rows) => {
            record.rows = rows;
            progress.report({ message: `${rows.toLocaleString('en-US')} rows written` });
            this.update(file, record);
          },
          onCommit: (commit) => {
            record.rows += commit.changes;
            record.lagMs = commit.lagMs;
            progress.report({ message: `version ${commit.version}: ${commit.changes} changes up to LSN ${commit.lsn}, lag ${commit.lagMs} ms` });
            this.onDidWriteTable(definition.to);
            this.update(file, record);
          },
        });
      });
      const summary = pipelineRunSummary(result);
      record.rows = result.mode === 'cdc' ? record.rows + (result.result.snapshot?.rows ?? 0) : result.result.rows;
      Object.assign(record, { state: controller.signal.aborted ? 'stopped' : 'finished', finishedAt: Date.now(), summary });
      this.log.info(`Pipeline ${name}: ${summary}`);
      this.onDidWriteTable(definition.to);
      return result;
    } catch (error) {
      const stopped = controller.signal.aborted;
      Object.assign(record, stopped
        ? { state: 'stopped', finishedAt: Date.now(), summary: 'Stopped before its first commit; nothing was written.' }
        : { state: 'failed', finishedAt: Date.now(), error: failureMessage(error, definition.url) });
      if (stopped) this.log.info(`Pipeline ${name}: stopped`);
      else {
        this.log.error(`Pipeline ${name} failed:`, error);
        void vscode.window.showErrorMessage(`Pipeline "${name}" failed: ${record.error ?? ''}`, 'Show Log')
          .then((choice) => { if (choice === 'Show Log') this.log.show(); });
      }
      return undefined;
    } finally {
      this.controllers.delete(file);
      this.update(file, record);
    }
  }

  stop(file: string): void {
    const controller = this.controllers.get(file);
    const record = this.records.get(file);
    if (!controller || controller.signal.aborted) return;
    if (record) this.update(file, Object.assign(record, { state: 'stopping' }));
    controller.abort();
  }

  dispose(): void {
    for (const controller of this.controllers.values()) controller.abort();
    this.changed.dispose();
  }

  private update(file: string, record: RunRecord): void {
    this.records.set(file, record);
    this.changed.fire(file);
  }
}

/**
 * The engine's message, except for a refused connection: the engine's hint names PGPASSWORD (the
 * CLI's way), where here the password comes from the connection saved in the Connections view.
 */
function failureMessage(error: unknown, url: string): string {
  const endpoint = endpointOfUrl(url);
  if (!isDeltaError(error, 'SOURCE_CONNECTION_FAILED') || !endpoint) return errorMessage(error);
  return `${connectionProblem(error, endpoint)} The password used is the one saved with the connection to this server in the Connections view (add or edit it there).`;
}
