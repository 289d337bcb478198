import { ingestPostgresCdc, type CdcCommit, type PostgresCdcResult } from './ingestPostgresCdc';
import { ingestPostgresIncremental, type PostgresIncrementalResult } from './ingestPostgresIncremental';
import { ingestPostgresSnapshot, type PostgresSnapshotResult } from './ingestPostgresSnapshot';
import type { PipelineDefinition } from './pipelineDefinition';
import type { ProgressCallback } from '../../util/progress';

export type PipelineRunResult =
  | { mode: 'snapshot'; result: PostgresSnapshotResult }
  | { mode: 'incremental'; result: PostgresIncrementalResult }
  | { mode: 'cdc'; result: PostgresCdcResult };

export interface PipelineRunOptions {
  /** Else PGPASSWORD (read by pg itself). */
  password?: string;
  signal?: AbortSignal;
  /** cdc: after each Delta commit. */
  onCommit?: (commit: CdcCommit) => void;
  /** cdc --follow: the connection was lost and is tried again after `delayMs`. */
  onReconnect?: (attempt: { delayMs: number; reason: string }) => void;
  /** snapshot: rows written so far (done = rows, total = 0). */
  onProgress?: ProgressCallback;
}

/** Runs one pipeline definition: what `lakehouse ingest postgres`, `lakehouse pipeline run` and the extension all call. */
export async function runPipeline(pipeline: PipelineDefinition, options: PipelineRunOptions = {}): Promise<PipelineRunResult> {
  const common = {
    url: pipeline.url,
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  if (pipeline.mode === 'incremental') {
    return {
      mode: 'incremental',
      result: await ingestPostgresIncremental({
        ...common, table: pipeline.table as string, target: pipeline.to, watermark: pipeline.watermark as string,
        ...(pipeline.key?.length ? { key: pipeline.key } : {}),
      }),
    };
  }
  if (pipeline.mode === 'cdc') {
    return {
      mode: 'cdc',
      result: await ingestPostgresCdc({
        ...common, table: pipeline.table as string, target: pipeline.to, until: pipeline.until ?? 'once',
        ...(pipeline.slot === undefined ? {} : { slot: pipeline.slot }),
        ...(pipeline.publication === undefined ? {} : { publication: pipeline.publication }),
        ...(options.onCommit ? { onCommit: options.onCommit } : {}),
        ...(options.onReconnect ? { onReconnect: options.onReconnect } : {}),
        ...(pipeline.deletionVectors ? { deletionVectors: true } : {}),
      }),
    };
  }
  return {
    mode: 'snapshot',
    result: await ingestPostgresSnapshot({
      ...common,
      source: pipeline.table !== undefined ? { table: pipeline.table } : { query: pipeline.query as string },
      target: pipeline.to,
      mode: pipeline.append ? 'append' : 'overwrite',
      ...(pipeline.partitionBy?.length ? { partitionBy: pipeline.partitionBy } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }),
  };
}
