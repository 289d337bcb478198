/**
 * Messages of the pipeline status panel. The host owns the state (the target table's log plus the
 * run in flight, if any) and posts it whole on every change; the panel only draws it and sends
 * the user's button presses back.
 */
import { isMessage } from './message';

/** Where the pipeline's source position stands, as the target Delta table records it. */
export type PipelinePosition =
  | { kind: 'lsn'; lsn: string; slot: string }
  | { kind: 'watermark'; column: string; value: string }
  /** A snapshot pipeline has no position: each run copies the whole source. */
  | { kind: 'none'; reason: string };

export interface PipelineStatus {
  name: string;
  mode: 'snapshot' | 'incremental' | 'cdc';
  /** The source as `url (no password) · schema.table`. */
  source: string;
  /** The Delta table's absolute path. */
  target: string;
  state: 'idle' | 'running' | 'following' | 'stopping';
  /** null while the target table does not exist yet. */
  tableVersion: number | null;
  /** Commit time of the table's latest version, ms since the epoch. */
  lastCommitAt: number | null;
  position: PipelinePosition;
  /** Rows (or row changes) per second: of the run in flight, else of the last run, else of the table's recent commits. */
  rowsPerSecond: number | null;
  rowsPerSecondBasis: string;
  /** cdc: how far the last commit trailed the source commit time, in ms. */
  lagMs: number | null;
  lastError: string | null;
  /** What the last run did, in one line. */
  lastRun: string | null;
  /** cdc only: Start / Stop follow; Run is for every mode. */
  canFollow: boolean;
}

export interface PipelineStatusMessage { type: 'status'; status: PipelineStatus }
export type PipelineHostMessage = PipelineStatusMessage;

export interface PipelineReady { type: 'ready' }
/** Run once: snapshot, incremental, or cdc up to the current end of the WAL. */
export interface PipelineRunRequest { type: 'run' }
/** cdc: start streaming until stopped. */
export interface PipelineFollowRequest { type: 'follow' }
/** Stop the run in flight: what is buffered is committed, nothing past that commit is confirmed. */
export interface PipelineStopRequest { type: 'stop' }
export type PipelineWebviewMessage = PipelineReady | PipelineRunRequest | PipelineFollowRequest | PipelineStopRequest;

const HOST_TYPES: ReadonlySet<unknown> = new Set(['status']);
const WEBVIEW_TYPES: ReadonlySet<unknown> = new Set(['ready', 'run', 'follow', 'stop']);

export function isPipelineHostMessage(value: unknown): value is PipelineHostMessage {
  return isMessage(value) && HOST_TYPES.has(value.type);
}

export function isPipelineWebviewMessage(value: unknown): value is PipelineWebviewMessage {
  return isMessage(value) && WEBVIEW_TYPES.has(value.type);
}
