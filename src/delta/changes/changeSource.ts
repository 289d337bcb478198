import type { Action, AddCDCFile, DeletionVectorDescriptor } from '../actions';
import type { ChangeType } from '../write/changeDataWriter';

/** Rows of a data file that a commit inserted or deleted, as seen through deletion vectors. */
export interface DataFileChange {
  kind: 'data';
  changeType: Extract<ChangeType, 'insert' | 'delete'>;
  path: string;
  partitionValues: Record<string, string | null>;
  /** The rows live under this deletion vector (all rows when null)... */
  liveUnder: DeletionVectorDescriptor | null;
  /**
   * ...and, when the same file is both removed and added in the commit (a deletion vector
   * changed), not live under this one: only the difference is a change.
   */
  exceptLiveUnder?: DeletionVectorDescriptor | null;
}

/** A Change Data File: its rows carry their own `_change_type`. */
export interface ChangeDataFile { kind: 'cdc'; file: AddCDCFile }

/** One file whose rows are part of a commit's change data. */
export type ChangeSource = DataFileChange | ChangeDataFile;

/**
 * What a commit changed, per "Change Data Files" in PROTOCOL.md: the commit's `cdc` files when it
 * has some (then its add and remove actions are not changes of their own), else the add and remove
 * actions with dataChange = true, read as inserts and deletes. A file removed and added again in
 * one commit with another deletion vector (DELETE, or RESTORE, by deletion vector) changed only
 * in the rows where the two vectors differ. Actions with dataChange = false (OPTIMIZE, checkpoint
 * rewrites) rearrange data without changing it, so they are no change.
 */
export function changeSources(actions: readonly Action[]): ChangeSource[] {
  const cdc = actions.flatMap((a) => (a.cdc ? [a.cdc] : []));
  if (cdc.length > 0) return cdc.map((file) => ({ kind: 'cdc', file }));
  const adds = actions.flatMap((a) => (a.add?.dataChange ? [a.add] : []));
  const removes = actions.flatMap((a) => (a.remove?.dataChange ? [a.remove] : []));
  const removedDv = new Map(removes.map((r) => [r.path, r.deletionVector ?? null]));
  const addedDv = new Map(adds.map((a) => [a.path, a.deletionVector ?? null]));
  const sources: ChangeSource[] = [];
  for (const add of adds) {
    const paired = removedDv.has(add.path);
    sources.push({
      kind: 'data', changeType: 'insert', path: add.path, partitionValues: add.partitionValues,
      liveUnder: add.deletionVector ?? null,
      ...(paired ? { exceptLiveUnder: removedDv.get(add.path) ?? null } : {}),
    });
  }
  for (const remove of removes) {
    const paired = addedDv.has(remove.path);
    sources.push({
      kind: 'data', changeType: 'delete', path: remove.path, partitionValues: remove.partitionValues ?? {},
      liveUnder: remove.deletionVector ?? null,
      ...(paired ? { exceptLiveUnder: addedDv.get(remove.path) ?? null } : {}),
    });
  }
  return sources;
}
