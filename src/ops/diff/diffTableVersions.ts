import { DeltaTable } from '../../delta/table';
import { diffRows, type RowDiff, type RowDiffOptions } from './diffRows';
import { versionText } from './versionText';

export interface TableVersionsDiff {
  location: string;
  /** Schema, table metadata, protocol and properties of each version as text (see versionText). */
  fromText: string;
  toText: string;
  rows: RowDiff;
}

/** The diff both front ends show: `lakehouse diff` and the extension's Compare Versions. */
export async function diffTableVersions(location: string, fromVersion: number, toVersion: number, options: RowDiffOptions = {}): Promise<TableVersionsDiff> {
  const table = await DeltaTable.open(location);
  const [from, to] = await Promise.all([table.snapshot({ version: fromVersion }), table.snapshot({ version: toVersion })]);
  return { location: table.root, fromText: versionText(from), toText: versionText(to), rows: await diffRows(from, to, options) };
}
