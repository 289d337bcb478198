import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { DeltaError } from '../../delta/errors';

/**
 * A saved ingest pipeline, `.lakehouse/pipelines/<name>.json` in a workspace: what the CLI's
 * `ingest postgres` flags say, as a file the CLI and the extension both run. It holds no secret:
 * the password comes from PGPASSWORD (CLI) or SecretStorage (extension).
 */
export interface PipelineDefinition {
  source: 'postgres';
  /** A libpq URL without a password. */
  url: string;
  table?: string;
  query?: string;
  /** The Delta table; a relative path is relative to the workspace folder. */
  to: string;
  mode: 'snapshot' | 'incremental' | 'cdc';
  key?: string[];
  watermark?: string;
  slot?: string;
  publication?: string;
  /** cdc: `once` (default) or `follow`. */
  until?: 'once' | 'follow';
  partitionBy?: string[];
  /** snapshot: append instead of overwrite. */
  append?: boolean;
  /** cdc: a table the first run creates uses deletion vectors. */
  deletionVectors?: boolean;
}

export interface LoadedPipeline { name: string; file: string; workspace: string; definition: PipelineDefinition }

export const PIPELINES_DIR = join('.lakehouse', 'pipelines');

/** Finds `<name>.json` under `.lakehouse/pipelines` in `from` or the nearest folder above it, and checks it. */
export async function loadPipeline(name: string, from: string): Promise<LoadedPipeline> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `"${name}" is not a pipeline name (letters, digits, '.', '_', '-').`);
  }
  let dir = resolve(from);
  for (;;) {
    const file = join(dir, PIPELINES_DIR, `${name}.json`);
    if (existsSync(file)) {
      const definition = parsePipeline(await readFile(file, 'utf8'), file);
      return { name, file, workspace: dir, definition: { ...definition, to: resolve(dir, definition.to) } };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new DeltaError('DELTA_INVALID_ARGUMENT', `No pipeline "${name}": there is no ${join(PIPELINES_DIR, `${name}.json`)} in ${resolve(from)} or a folder above it.`);
    dir = parent;
  }
}

export function parsePipeline(text: string, file: string): PipelineDefinition {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `${file} is not valid JSON: ${(cause as Error).message}.`, { cause });
  }
  const bad = (what: string): DeltaError => new DeltaError('DELTA_INVALID_ARGUMENT', `${file}: ${what}.`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('the pipeline must be a JSON object');
  const get = (key: string): unknown => (raw as Record<string, unknown>)[key];
  const str = (key: string): string | undefined => {
    const value = get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw bad(`"${key}" must be a non-empty string`);
    return value;
  };
  const list = (key: string): string[] | undefined => {
    const value = get(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw bad(`"${key}" must be an array of column names`);
    return value;
  };
  const known = new Set(['source', 'url', 'table', 'query', 'to', 'mode', 'key', 'watermark', 'slot', 'publication', 'until', 'partitionBy', 'append', 'deletionVectors']);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0) throw bad(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
  if (get('source') !== 'postgres') throw bad('"source" must be "postgres"');
  const url = str('url');
  const to = str('to');
  if (url === undefined || to === undefined) throw bad('"url" and "to" are required');
  if (hasPassword(url)) throw bad('the URL holds a password; remove it and set PGPASSWORD (pipelines are shared files and hold no secret)');
  const mode = get('mode') ?? 'snapshot';
  if (mode !== 'snapshot' && mode !== 'incremental' && mode !== 'cdc') throw bad('"mode" must be snapshot, incremental or cdc');
  const until = get('until');
  if (until !== undefined && until !== 'once' && until !== 'follow') throw bad('"until" must be once or follow');
  const append = get('append');
  if (append !== undefined && typeof append !== 'boolean') throw bad('"append" must be true or false');
  const deletionVectors = get('deletionVectors');
  if (deletionVectors !== undefined && typeof deletionVectors !== 'boolean') throw bad('"deletionVectors" must be true or false');
  const table = str('table');
  const query = str('query');
  if ((table === undefined) === (query === undefined)) throw bad('give exactly one of "table" and "query"');
  if (mode !== 'snapshot' && table === undefined) throw bad(`mode ${mode} needs "table"`);
  const watermark = str('watermark');
  if (mode === 'incremental' && watermark === undefined) throw bad('mode incremental needs "watermark"');
  const optional = { table, query, key: list('key'), watermark, slot: str('slot'), publication: str('publication'), until, partitionBy: list('partitionBy'), append, deletionVectors };
  return {
    source: 'postgres', url, to, mode,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return /:[^@/]*@/.test(url.replace(/^[a-z]+:\/\//i, ''));
  }
}
