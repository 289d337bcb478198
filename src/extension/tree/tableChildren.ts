import type { AddFile } from '../../delta/actions';
import type { HistoryEntry } from '../../delta/history';
import type { DataType, StructField } from '../../delta/schema';
import type { Snapshot } from '../../delta/snapshot';
import { formatBytes } from '../../util/formatBytes';
import type {
  ColumnNode, FileNode, MessageNode, PartitionNode, PropertyNode, SectionNode, TreeNode, VersionNode,
} from './treeNode';

/** Files listed under one Files/partition node before a "N more" line: the tree is for browsing. */
export const MAX_LISTED_FILES = 500;

export type SnapshotView = Pick<Snapshot, 'version' | 'schema' | 'partitionColumns' | 'protocol' | 'metadata' | 'properties' | 'files'>;

export function sectionNodes(location: string): SectionNode[] {
  return (['schema', 'history', 'files', 'properties'] as const).map((section) => ({
    kind: 'section', id: `${section}:${location}`, location, section,
  }));
}

export function columnNodes(location: string, fields: readonly StructField[], parentPath: string[], partitionColumns: readonly string[]): ColumnNode[] {
  return fields.map((field) => {
    const path = [...parentPath, field.name];
    return {
      kind: 'column', id: `column:${location}:${JSON.stringify(path)}`, location, field, path,
      partition: parentPath.length === 0 && partitionColumns.includes(field.name),
    };
  });
}

/** The fields a column expands to: struct members, or those of an array element / map entry. */
export function nestedFields(type: DataType): StructField[] {
  switch (type.kind) {
    case 'struct': return type.fields;
    case 'array': return type.elementType.kind === 'primitive' || type.elementType.kind === 'decimal'
      ? [] : [{ name: 'element', type: type.elementType, nullable: type.containsNull, metadata: {} }];
    case 'map': return [
      { name: 'key', type: type.keyType, nullable: false, metadata: {} },
      { name: 'value', type: type.valueType, nullable: type.valueContainsNull, metadata: {} },
    ];
    default: return [];
  }
}

export function versionNodes(location: string, entries: readonly HistoryEntry[], currentVersion: number): VersionNode[] {
  return entries.map((entry) => ({
    kind: 'version', id: `version:${location}:${entry.version}`, location, entry, current: entry.version === currentVersion,
  }));
}

/** Partitioned tables list one node per distinct partition (`a=1/b=x`), others list files directly. */
export function fileSectionNodes(location: string, snapshot: SnapshotView): TreeNode[] {
  const files = snapshot.files();
  if (files.length === 0) return [message(`files:${location}`, 'No data files', 'info')];
  if (snapshot.partitionColumns.length === 0) return fileNodes(location, files);
  const groups = new Map<string, AddFile[]>();
  for (const file of files) {
    const label = snapshot.partitionColumns
      .map((column) => `${column}=${file.partitionValues[column] ?? '__HIVE_DEFAULT_PARTITION__'}`).join('/');
    const group = groups.get(label);
    if (group) group.push(file);
    else groups.set(label, [file]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, group]): PartitionNode => ({ kind: 'partition', id: `partition:${location}:${label}`, location, label, files: group }));
}

export function fileNodes(location: string, files: readonly AddFile[]): TreeNode[] {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const listed: TreeNode[] = sorted.slice(0, MAX_LISTED_FILES)
    .map((file): FileNode => ({ kind: 'file', id: `file:${location}:${file.path}`, location, file }));
  if (sorted.length > MAX_LISTED_FILES) {
    const rest = sorted.slice(MAX_LISTED_FILES);
    listed.push(message(`more:${location}:${sorted[0].path}`,
      `${rest.length} more files (${formatBytes(totalSize(rest))})`, 'info'));
  }
  return listed;
}

export function propertyNodes(location: string, snapshot: SnapshotView): PropertyNode[] {
  const { protocol, metadata } = snapshot;
  const entries: [string, string][] = [
    ['Table ID', metadata.id],
    ['Reader version', String(protocol.minReaderVersion)],
    ['Writer version', String(protocol.minWriterVersion)],
  ];
  if (protocol.readerFeatures?.length) entries.push(['Reader features', protocol.readerFeatures.join(', ')]);
  if (protocol.writerFeatures?.length) entries.push(['Writer features', protocol.writerFeatures.join(', ')]);
  if (metadata.name) entries.push(['Name', metadata.name]);
  if (metadata.description) entries.push(['Description', metadata.description]);
  if (metadata.createdTime) entries.push(['Created', new Date(metadata.createdTime).toISOString()]);
  if (snapshot.partitionColumns.length) entries.push(['Partition columns', snapshot.partitionColumns.join(', ')]);
  for (const key of Object.keys(snapshot.properties).sort()) entries.push([key, snapshot.properties[key]]);
  return entries.map(([key, value]) => ({ kind: 'property', id: `property:${location}:${key}`, key, value }));
}

export function totalSize(files: readonly AddFile[]): number {
  return files.reduce((sum, file) => sum + file.size, 0);
}

/** `numRecords` from a file's stats JSON, when the writer collected it. */
export function recordCount(file: AddFile): number | undefined {
  if (!file.stats) return undefined;
  try {
    const stats: unknown = JSON.parse(file.stats);
    if (typeof stats === 'object' && stats !== null && 'numRecords' in stats && typeof stats.numRecords === 'number') {
      return stats.numRecords;
    }
  } catch {
    // Unreadable stats only cost the record count in the tree; the engine reports them when it scans.
  }
  return undefined;
}

export function message(id: string, label: string, severity: MessageNode['severity'], detail?: string): MessageNode {
  return { kind: 'message', id: `message:${id}`, label, severity, ...(detail ? { detail } : {}) };
}
