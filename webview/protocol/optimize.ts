/**
 * Messages of the OPTIMIZE plan panel. The plan and the result are the ops layer's own plain JSON
 * types, so the panel shows exactly what `lakehouse optimize --dry-run --json` prints.
 */
import type { OptimizePlan, OptimizeResult } from '../../src/ops/optimize/optimizePlan';
import { isMessage } from './message';

export interface OptimizePlanMessage { type: 'plan'; plan: OptimizePlan }
/** The run started (from the panel's button). */
export interface OptimizeRunningMessage { type: 'running' }
export interface OptimizeResultMessage { type: 'result'; result: OptimizeResult }
/** Planning or running failed, or was cancelled; `phase` says which step the message is about. */
export interface OptimizeFailure { type: 'error'; phase: 'plan' | 'run'; message: string; cancelled: boolean }
export type OptimizeHostMessage = OptimizePlanMessage | OptimizeRunningMessage | OptimizeResultMessage | OptimizeFailure;

export interface OptimizeReady { type: 'ready' }
/** Run the plan the panel shows. */
export interface OptimizeRunRequest { type: 'run' }
export type OptimizeWebviewMessage = OptimizeReady | OptimizeRunRequest;

const HOST_TYPES: ReadonlySet<unknown> = new Set(['plan', 'running', 'result', 'error']);
const WEBVIEW_TYPES: ReadonlySet<unknown> = new Set(['ready', 'run']);

export function isOptimizeHostMessage(value: unknown): value is OptimizeHostMessage {
  return isMessage(value) && HOST_TYPES.has(value.type);
}

export function isOptimizeWebviewMessage(value: unknown): value is OptimizeWebviewMessage {
  return isMessage(value) && WEBVIEW_TYPES.has(value.type);
}
