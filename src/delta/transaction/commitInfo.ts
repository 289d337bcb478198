import type { CommitInfo } from '../actions';
import { ENGINE_INFO } from './engineInfo';

export interface CommitOperation {
  /** Spark's operation name, e.g. WRITE, DELETE, MERGE, CREATE TABLE: DESCRIBE HISTORY shows it. */
  operation: string;
  parameters?: Record<string, unknown>;
  metrics?: Record<string, number | string>;
  isBlindAppend?: boolean;
}

export interface CommitInfoInput {
  op: CommitOperation;
  timestamp: number;
  inCommitTimestamp?: number;
  readVersion?: number;
  isBlindAppend: boolean;
  txnId: string;
  /** Commit tags, e.g. delta.rowTracking.preserved (rowTrackingTags). */
  tags?: Record<string, string>;
}

/**
 * The commitInfo action in the shape Spark writes it: operationParameters values are strings,
 * with non-string values JSON-encoded (`partitionBy: "[\"a\"]"`), and metrics are strings too.
 * inCommitTimestamp comes first so the action can be the first line ("In-Commit Timestamps").
 */
export function buildCommitInfo(input: CommitInfoInput): CommitInfo {
  const parameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.op.parameters ?? {})) {
    if (value === undefined) continue;
    parameters[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const metrics: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.op.metrics ?? {})) metrics[key] = String(value);
  return {
    ...(input.inCommitTimestamp === undefined ? {} : { inCommitTimestamp: input.inCommitTimestamp }),
    timestamp: input.timestamp,
    operation: input.op.operation,
    operationParameters: parameters,
    ...(input.readVersion === undefined ? {} : { readVersion: input.readVersion }),
    isolationLevel: 'WriteSerializable',
    isBlindAppend: input.isBlindAppend,
    operationMetrics: metrics,
    ...(input.tags === undefined ? {} : { tags: input.tags }),
    engineInfo: ENGINE_INFO,
    txnId: input.txnId,
  };
}
