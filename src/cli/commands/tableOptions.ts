import type { OptionSpec } from '../args';
import type { Snapshot } from '../../delta/snapshot';

/** Options every read command shares: which version to read, and machine output. */
export const TIME_TRAVEL_OPTIONS = {
  version: { type: 'integer', min: 0, description: 'read this table version (time travel)', valueName: 'N' },
  timestamp: { type: 'timestamp', description: 'read the version current at this ISO time, e.g. 2024-05-01T12:00:00Z', valueName: 'ISO' },
} as const satisfies Record<string, OptionSpec>;

export const JSON_OPTION = {
  json: { type: 'boolean', description: 'print machine-readable JSON' },
} as const satisfies Record<string, OptionSpec>;

export const TABLE_POSITIONAL = [{ name: 'table', description: 'path of the Delta table (the folder holding _delta_log)' }] as const;

export async function openSnapshot(path: string, options: { version?: number | undefined; timestamp?: Date | undefined }): Promise<Snapshot> {
  // Loaded here: commands that only share these option specs (convert) need no table reader.
  const { DeltaTable } = await import('../../delta/table');
  const table = await DeltaTable.open(path);
  return table.snapshot({
    ...(options.version !== undefined ? { version: options.version } : {}),
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp.getTime() } : {}),
  });
}
