import type { Snapshot } from '../../delta/snapshot';
import type { DeltaTable } from '../../delta/table';

/** A table opened at its latest version, as the tree shows it. */
export interface OpenedTable {
  table: DeltaTable;
  snapshot: Snapshot;
}

/**
 * Opens each table once and keeps its latest snapshot until the log changes (the watcher calls
 * `invalidate`). The engine is imported on first use, so activation does not pay for loading
 * Arrow and the Parquet WebAssembly module.
 */
export class TableCache {
  private readonly opened = new Map<string, Promise<OpenedTable>>();

  get(location: string): Promise<OpenedTable> {
    let entry = this.opened.get(location);
    if (!entry) {
      entry = openTable(location);
      // A failed open is not cached: the next expand or refresh tries again.
      entry.catch(() => this.opened.delete(location));
      this.opened.set(location, entry);
    }
    return entry;
  }

  invalidate(location?: string): void {
    if (location === undefined) this.opened.clear();
    else this.opened.delete(location);
  }
}

export async function openTable(location: string): Promise<OpenedTable> {
  const { DeltaTable } = await import('../../delta/table');
  const table = await DeltaTable.open(location);
  return { table, snapshot: await table.snapshot() };
}
