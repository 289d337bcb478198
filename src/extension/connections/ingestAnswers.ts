import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parsePipeline, type PipelineDefinition } from '../../ops/ingest/pipelineDefinition';
import { replicationSlotName } from '../../ops/ingest/replicationSlotName';

/** What the "Ingest into Delta…" wizard asked. Pure data, so the definition it makes is unit-tested. */
export interface IngestAnswers {
  /** The source connection's URL, without a password. */
  url: string;
  /** `schema.table`. */
  table: string;
  /** The workspace folder the pipeline file goes in. */
  workspace: string;
  /** The Delta table folder as typed: relative to the workspace, or absolute. */
  target: string;
  mode: PipelineDefinition['mode'];
  /** The source's primary key (the default key). */
  primaryKey: string[];
  /** incremental: the upsert key picked. */
  key: string[];
  /** incremental: the watermark column. */
  watermark?: string;
  /** snapshot: partition columns of the table created. */
  partitionBy: string[];
  /** The pipeline's file name without `.json`. */
  name: string;
}

const PIPELINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The saved definition: only what the mode uses, the target relative to the workspace when it is
 * inside it (the file then works wherever the workspace is checked out), and for cdc an explicit
 * slot so moving the workspace does not start a new slot. Checked by the same parser the CLI uses.
 */
export function pipelineFromAnswers(answers: IngestAnswers): PipelineDefinition {
  const absolute = resolve(answers.workspace, answers.target);
  const inside = relative(answers.workspace, absolute);
  const to = inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside) ? inside.split(sep).join('/') : absolute;
  const definition: Record<string, unknown> = { source: 'postgres', url: answers.url, table: answers.table, to, mode: answers.mode };
  if (answers.mode === 'snapshot' && answers.partitionBy.length > 0) definition.partitionBy = answers.partitionBy;
  if (answers.mode === 'incremental') {
    definition.watermark = answers.watermark;
    if (!sameColumns(answers.key, answers.primaryKey)) definition.key = answers.key;
  }
  if (answers.mode === 'cdc') {
    definition.slot = replicationSlotName(answers.name, absolute);
    definition.until = 'once';
  }
  return parsePipeline(JSON.stringify(definition), `${answers.name}.json`);
}

/** The pipeline file's text: pretty JSON, so it reads well in a diff. */
export function pipelineFileText(definition: PipelineDefinition): string {
  return `${JSON.stringify(definition, null, 2)}\n`;
}

/** `schema.table` as PostgreSQL resolves it: a name that is not plain lower case is quoted. */
export function qualifiedName(schema: string, table: string): string {
  const quote = (name: string): string => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
  return `${quote(schema)}.${quote(table)}`;
}

/** `public.orders` -> `public-orders`: a default pipeline name that is a valid file name. */
export function defaultPipelineName(table: string): string {
  const name = table.replace(/"/g, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|-+$/g, '');
  return name === '' ? 'pipeline' : name;
}

export function pipelineNameProblem(name: string): string | undefined {
  return PIPELINE_NAME.test(name) ? undefined : 'Use letters, digits, ".", "_" and "-", starting with a letter or digit.';
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((column, i) => column === b[i]);
}
