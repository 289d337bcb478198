import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PgCatalogTable } from '../../connectors/postgres/pgCatalog';
import type { PgSourceColumn } from '../../connectors/postgres/pgSourceSchema';
import type { LoadedPipeline, PipelineDefinition } from '../../ops/ingest/pipelineDefinition';
import { multiPickStep, quickPickStep, type StepItem } from '../commands/quickPickStep';
import { DeltaError } from '../../delta/errors';
import { connectionProblem } from './connectionProblem';
import type { ConnectionStore } from './connectionStore';
import { defaultPipelineName, pipelineFileText, pipelineFromAnswers, pipelineNameProblem, qualifiedName, type IngestAnswers } from './ingestAnswers';
import { profileUrl, type PgConnectionProfile } from './pgConnectionProfile';
import { inputStep } from './wizardInputs';

/** Types a watermark is usually of: offered first in the watermark step. */
const WATERMARK_TYPES = /^(timestamp|date|bigint|integer|smallint|numeric)/;

/**
 * "Ingest into Delta…" on a source table: asks target, mode and the mode's columns, saves the
 * pipeline as `.lakehouse/pipelines/<name>.json` (no secret in it) and returns it for running.
 */
export async function ingestWizard(store: ConnectionStore, profile: PgConnectionProfile, table: PgCatalogTable): Promise<LoadedPipeline | undefined> {
  const workspace = (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  if (workspace === undefined) {
    void vscode.window.showErrorMessage('Open a folder first: the pipeline and the Delta table are saved in the workspace.');
    return undefined;
  }
  const qualified = qualifiedName(table.schema, table.name);
  const columns = await sourceColumns(store, profile, qualified);
  const title = `Ingest ${qualified} into Delta`;
  const primaryKey = table.primaryKey;

  const target = await inputStep({
    title, step: 1, totalSteps: 4, prompt: 'Delta table folder (relative to the workspace folder, or absolute); created when missing',
    value: table.name, validate: (value) => (value.trim() === '' ? 'Enter a folder.' : undefined),
  });
  if (target === undefined) return undefined;

  const modes: StepItem<PipelineDefinition['mode']>[] = [
    { label: 'snapshot', value: 'snapshot', description: 'a full consistent copy, replacing the table\'s rows each run' },
    { label: 'incremental', value: 'incremental', description: 'rows past a watermark column, upserted by key; cannot see hard deletes' },
    ...(primaryKey.length > 0 ? [{ label: 'cdc', value: 'cdc' as const, description: 'logical replication: inserts, updates and deletes, exactly once' }] : []),
  ];
  const mode = await quickPickStep(title, 2, 4, primaryKey.length > 0 ? 'Mode' : 'Mode (cdc needs a primary key, which this table lacks)', modes);
  if (mode === undefined) return undefined;
  const total = mode === 'incremental' ? 5 : mode === 'cdc' ? 3 : 4;

  const columnItems = columns.map((c): StepItem<string> => ({ label: c.name, value: c.name, description: c.pgType }));
  let key = primaryKey;
  let watermark: string | undefined;
  let partitionBy: string[] = [];
  let step = 3;
  if (mode === 'incremental') {
    const picked = await multiPickStep(title, step++, total, 'Upsert key columns (default: the primary key)', columnItems, (item) => primaryKey.includes(item.value));
    if (picked === undefined) return undefined;
    if (picked.length === 0) {
      void vscode.window.showErrorMessage(`Incremental mode upserts by key: pick at least one key column (${qualified} has no primary key).`);
      return undefined;
    }
    key = picked;
    const likely = columns.filter((c) => WATERMARK_TYPES.test(c.pgType));
    const ordered = [...likely, ...columns.filter((c) => !likely.includes(c))]
      .map((c): StepItem<string> => ({ label: c.name, value: c.name, description: c.pgType }));
    watermark = await quickPickStep(title, step++, total, 'Watermark column: grows with every insert and update (updated_at, or an increasing id)', ordered);
    if (watermark === undefined) return undefined;
  } else if (mode === 'snapshot') {
    const picked = await multiPickStep(title, step++, total, 'Partition columns (none: press Enter)', columnItems, () => false);
    if (picked === undefined) return undefined;
    partitionBy = picked;
  }

  const name = await inputStep({
    title, step, totalSteps: total, prompt: 'Pipeline name: saved as .lakehouse/pipelines/<name>.json', value: defaultPipelineName(qualified),
    validate: (value) => pipelineNameProblem(value) ?? (existsSync(pipelineFile(workspace, value)) ? `A pipeline "${value}" exists already; choose another name.` : undefined),
  });
  if (name === undefined) return undefined;

  const answers: IngestAnswers = {
    url: profileUrl(profile), table: qualified, workspace, target: target.trim(), mode, primaryKey, key,
    ...(watermark === undefined ? {} : { watermark }), partitionBy, name,
  };
  const definition = pipelineFromAnswers(answers);
  const file = pipelineFile(workspace, name);
  await mkdir(join(workspace, '.lakehouse', 'pipelines'), { recursive: true });
  await writeFile(file, pipelineFileText(definition), { flag: 'wx' });
  const { loadPipeline } = await import('../../ops/ingest/pipelineDefinition');
  return loadPipeline(name, workspace);
}

function pipelineFile(workspace: string, name: string): string {
  return join(workspace, '.lakehouse', 'pipelines', `${name}.json`);
}

async function sourceColumns(store: ConnectionStore, profile: PgConnectionProfile, table: string): Promise<PgSourceColumn[]> {
  const { connectPostgres } = await import('../../connectors/postgres/pgConnect');
  const { describePgSource } = await import('../../connectors/postgres/pgSourceSchema');
  const password = await store.password(profile);
  let client;
  try {
    client = await connectPostgres({ url: profileUrl(profile), connectTimeoutMs: 10_000, ...(password === undefined ? {} : { password }) });
  } catch (error) {
    throw new DeltaError('SOURCE_CONNECTION_FAILED', connectionProblem(error, profile), { cause: error });
  }
  try {
    return (await describePgSource(client, { table })).columns;
  } finally {
    await client.end().catch(() => undefined);
  }
}
