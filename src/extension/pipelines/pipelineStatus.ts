import { formatLsn } from '../../connectors/postgres/lsn';
import { redactUrl } from '../../connectors/postgres/pgConnect';
import type { HistoryEntry } from '../../delta/history';
import type { Snapshot } from '../../delta/snapshot';
import { openIfExists } from '../../delta/write/tableLocation';
import { WATERMARK_DOMAIN_PREFIX } from '../../ops/ingest/ingestPostgresIncremental';
import type { LoadedPipeline } from '../../ops/ingest/pipelineDefinition';
import { SLOT_NAME_PREFIX } from '../../ops/ingest/replicationSlotName';
import type { PipelinePosition, PipelineStatus } from '../../../webview/protocol/pipeline';

/** How many recent commits the log-based rate looks at. */
const RECENT_COMMITS = 20;

/** What the target table's log says about a pipeline: no network, so it works while the source is down. */
export interface TableFacts {
  version: number;
  lastCommitAt: number;
  position: PipelinePosition;
  /** Newest first: commit time and the source rows (or changes) each commit took in. */
  recent: Array<{ version: number; timestamp: number; rows: number }>;
}

/** The run the extension has in flight or finished last for a pipeline (kept in memory only). */
export interface RunRecord {
  state: 'running' | 'following' | 'stopping' | 'finished' | 'failed' | 'stopped';
  startedAt: number;
  /** Rows or row changes taken in so far (cdc: summed over its commits). */
  rows: number;
  finishedAt?: number;
  lagMs?: number;
  error?: string;
  summary?: string;
}

/** Reads the facts from the target table; null when it does not exist yet. */
export async function readTableFacts(pipeline: LoadedPipeline): Promise<TableFacts | null> {
  const table = await openIfExists(pipeline.definition.to);
  if (!table) return null;
  const snapshot = await table.snapshot();
  return tableFacts(pipeline, snapshot, await table.history({ limit: RECENT_COMMITS }));
}

/**
 * The position as the engine records it: cdc in the txn action of its slot (version = the LSN the
 * table is consistent with), incremental in a `lakehouse.ingest.watermark:` domain.
 */
export function tableFacts(pipeline: LoadedPipeline, snapshot: Pick<Snapshot, 'version' | 'timestamp' | 'txnVersion' | 'txnAppIds' | 'domains'>, history: readonly HistoryEntry[]): TableFacts {
  return {
    version: snapshot.version,
    lastCommitAt: snapshot.timestamp,
    position: positionOf(pipeline, snapshot),
    recent: history.map((entry) => ({ version: entry.version, timestamp: entry.timestamp, rows: rowsOf(entry) })),
  };
}

function positionOf(pipeline: LoadedPipeline, snapshot: Pick<Snapshot, 'txnVersion' | 'txnAppIds' | 'domains'>): PipelinePosition {
  const { definition } = pipeline;
  if (definition.mode === 'cdc') {
    const slot = definition.slot ?? onlyDefaultSlot(snapshot);
    const lsn = slot === undefined ? undefined : snapshot.txnVersion(slot);
    return slot === undefined || lsn === undefined ? { kind: 'none', reason: 'no change committed yet' } : { kind: 'lsn', lsn: formatLsn(lsn), slot };
  }
  if (definition.mode === 'incremental') {
    // appId is pg:<database>/<schema.table as the server quotes it>; match on the table part.
    const table = (definition.table ?? '').replace(/"/g, '');
    const domains = snapshot.domains().filter((d) => !d.removed && d.domain.startsWith(WATERMARK_DOMAIN_PREFIX));
    const domain = domains.find((d) => d.domain.replace(/"/g, '').endsWith(`/${table}`)) ?? (domains.length === 1 ? domains[0] : undefined);
    const state = domain ? watermarkOf(domain.configuration) : undefined;
    return state ? { kind: 'watermark', ...state } : { kind: 'none', reason: 'no watermark stored yet' };
  }
  return { kind: 'none', reason: 'a snapshot copies the whole source each run' };
}

/**
 * A pipeline without a `slot` uses the engine's default name, derived from the source table as the
 * server resolves it: rather than ask the server, take the table's one slot-named txn appId.
 */
function onlyDefaultSlot(snapshot: Pick<Snapshot, 'txnAppIds'>): string | undefined {
  const slots = snapshot.txnAppIds().filter((appId) => appId.startsWith(SLOT_NAME_PREFIX));
  return slots.length === 1 ? slots[0] : undefined;
}

function watermarkOf(configuration: string): { column: string; value: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(configuration);
    if (typeof parsed === 'object' && parsed !== null && 'column' in parsed && 'value' in parsed
      && typeof parsed.column === 'string' && typeof parsed.value === 'string') return { column: parsed.column, value: parsed.value };
  } catch {
    // Not ours: shown as no watermark.
  }
  return undefined;
}

/** Source rows a commit took in: a merge's source rows (cdc changes), else the rows it wrote. */
function rowsOf(entry: HistoryEntry): number {
  const metrics = entry.operationMetrics ?? {};
  const value = metrics.numSourceRows ?? metrics.numOutputRows;
  return typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : 0;
}

/** The panel's view of a pipeline: the table's facts plus the extension's own run, if any. */
export function pipelineStatus(pipeline: LoadedPipeline, facts: TableFacts | null, run: RunRecord | undefined, now: number): PipelineStatus {
  const { definition } = pipeline;
  const live = run && (run.state === 'running' || run.state === 'following' || run.state === 'stopping');
  const rate = rateOf(run, facts, now);
  return {
    name: pipeline.name,
    mode: definition.mode,
    source: `${redactUrl(definition.url)} · ${definition.table ?? 'query'}`,
    target: definition.to,
    state: live ? (run.state as PipelineStatus['state']) : 'idle',
    tableVersion: facts?.version ?? null,
    lastCommitAt: facts?.lastCommitAt ?? null,
    position: facts?.position ?? { kind: 'none', reason: 'the Delta table does not exist yet' },
    rowsPerSecond: rate.value,
    rowsPerSecondBasis: rate.basis,
    lagMs: run?.lagMs ?? null,
    lastError: run?.state === 'failed' ? run.error ?? 'failed' : null,
    lastRun: run?.summary ?? null,
    canFollow: definition.mode === 'cdc',
  };
}

function rateOf(run: RunRecord | undefined, facts: TableFacts | null, now: number): { value: number | null; basis: string } {
  if (run && run.rows > 0) {
    const seconds = ((run.finishedAt ?? now) - run.startedAt) / 1000;
    if (seconds > 0) return { value: run.rows / seconds, basis: run.finishedAt === undefined ? 'this run so far' : 'last run' };
  }
  // From the log: the rows of the commits after the oldest one looked at, over the time they span.
  const recent = facts?.recent ?? [];
  if (recent.length >= 2) {
    const newest = recent[0] as TableFacts['recent'][number];
    const oldest = recent[recent.length - 1] as TableFacts['recent'][number];
    const span = (newest.timestamp - oldest.timestamp) / 1000;
    const rows = recent.slice(0, -1).reduce((sum, c) => sum + c.rows, 0);
    if (span > 0) return { value: rows / span, basis: `versions ${oldest.version}–${newest.version} of the table` };
  }
  return { value: null, basis: 'no run measured yet' };
}
