import { DeltaError } from '../errors';

const UNIT_MS: Readonly<Record<string, number>> = {
  microsecond: 0.001, millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000,
};
const INTERVAL = /^\s*(?:interval\s+)?(\d+)\s+([a-z]+?)s?\s*$/i;

/**
 * A duration table property such as delta.logRetentionDuration ("interval 30 days"), in ms; the
 * default when unset. Spark accepts the CalendarInterval syntax; its single-unit forms are the
 * ones found in practice.
 */
export function retentionMs(properties: Record<string, string>, key: string, defaultMs: number): number {
  const raw = properties[key];
  if (raw === undefined) return defaultMs;
  const match = INTERVAL.exec(raw);
  const unit = match ? UNIT_MS[(match[2] as string).toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `Table property ${key}="${raw}" is not a duration like "interval 7 days".`);
  }
  return Number(match[1]) * unit;
}

export const DAY_MS = 86_400_000;
