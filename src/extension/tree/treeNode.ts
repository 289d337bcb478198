import type { AddFile } from '../../delta/actions';
import type { HistoryEntry } from '../../delta/history';
import type { StructField } from '../../delta/schema';

/**
 * The elements of the Tables view, as plain data (no VS Code types) so what the tree shows can be
 * computed and tested without an editor. `location` is the table's absolute folder path.
 */
export type TreeNode =
  | RootNode | TableNode | SectionNode | ColumnNode | VersionNode | PartitionNode | FileNode | PropertyNode | MessageNode;

/** A workspace folder or a folder from `lakehouse.locations`. */
export interface RootNode { kind: 'root'; id: string; path: string; label: string; fromSetting: boolean }
export interface TableNode { kind: 'table'; id: string; location: string; label: string }
export type SectionName = 'schema' | 'history' | 'files' | 'properties';
export interface SectionNode { kind: 'section'; id: string; location: string; section: SectionName }
export interface ColumnNode {
  kind: 'column'; id: string; location: string; field: StructField; path: string[]; partition: boolean;
}
export interface VersionNode { kind: 'version'; id: string; location: string; entry: HistoryEntry; current: boolean }
export interface PartitionNode { kind: 'partition'; id: string; location: string; label: string; files: AddFile[] }
export interface FileNode { kind: 'file'; id: string; location: string; file: AddFile }
export interface PropertyNode { kind: 'property'; id: string; key: string; value: string }
/** A leaf that only informs: an error, an empty section, or "N more files". */
export interface MessageNode { kind: 'message'; id: string; label: string; detail?: string; severity: 'info' | 'error' }
