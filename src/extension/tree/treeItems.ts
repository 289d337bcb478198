import * as vscode from 'vscode';
import { formatDataType } from '../../delta/schema';
import { formatBytes } from '../../util/formatBytes';
import { nestedFields, recordCount, totalSize } from './tableChildren';
import type { OpenedTable } from '../tables/tableCache';
import type { ColumnNode, FileNode, PartitionNode, TreeNode, VersionNode } from './treeNode';

const SECTIONS = {
  schema: { label: 'Schema', icon: 'symbol-structure' },
  history: { label: 'History', icon: 'history' },
  files: { label: 'Files', icon: 'files' },
  properties: { label: 'Properties', icon: 'settings' },
} as const;

/** How each node looks in the Tables view: label, codicon, description, tooltip, context value. */
export function treeItem(node: TreeNode, opened?: OpenedTable | Error): vscode.TreeItem {
  const { Collapsed, None } = vscode.TreeItemCollapsibleState;
  switch (node.kind) {
    case 'root': {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon(node.fromSetting ? 'folder-library' : 'root-folder');
      item.tooltip = node.path;
      item.contextValue = 'lakehouse.root';
      return withId(item, node);
    }
    case 'table': return tableItem(node, opened);
    case 'section': {
      const section = SECTIONS[node.section];
      const item = new vscode.TreeItem(section.label, Collapsed);
      item.iconPath = new vscode.ThemeIcon(section.icon);
      item.contextValue = `lakehouse.section.${node.section}`;
      return withId(item, node);
    }
    case 'column': return columnItem(node);
    case 'version': return versionItem(node);
    case 'partition': return partitionItem(node);
    case 'file': return fileItem(node);
    case 'property': {
      const item = new vscode.TreeItem(node.key, None);
      item.description = node.value;
      item.tooltip = `${node.key} = ${node.value}`;
      item.iconPath = new vscode.ThemeIcon('symbol-property');
      return withId(item, node);
    }
    case 'message': {
      const item = new vscode.TreeItem(node.label, None);
      item.iconPath = new vscode.ThemeIcon(node.severity === 'error' ? 'error' : 'info',
        node.severity === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
      if (node.detail) item.tooltip = node.detail;
      return withId(item, node);
    }
  }
}

function tableItem(node: Extract<TreeNode, { kind: 'table' }>, opened: OpenedTable | Error | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.contextValue = 'lakehouse.table';
  item.resourceUri = vscode.Uri.file(node.location);
  if (opened instanceof Error) {
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.description = 'cannot open';
    item.tooltip = `${node.location}\n\n${opened.message}`;
  } else if (opened) {
    const { snapshot } = opened;
    const files = snapshot.files();
    item.iconPath = new vscode.ThemeIcon('table');
    item.description = `v${snapshot.version} · ${formatBytes(totalSize(files))}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escape(node.label)}**\n\n`);
    tooltip.appendMarkdown(`Version ${snapshot.version}, committed ${new Date(snapshot.timestamp).toLocaleString()}\n\n`);
    tooltip.appendMarkdown(`${files.length} files, ${formatBytes(totalSize(files))}\n\n`);
    tooltip.appendText(node.location);
    item.tooltip = tooltip;
  }
  return withId(item, node);
}

function columnItem(node: ColumnNode): vscode.TreeItem {
  const nested = nestedFields(node.field.type).length > 0;
  const item = new vscode.TreeItem(node.field.name,
    nested ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const type = formatDataType(node.field.type);
  item.description = `${type}${node.field.nullable ? '' : ' not null'}${node.partition ? ' · partition' : ''}`;
  item.iconPath = new vscode.ThemeIcon(node.partition ? 'symbol-key' : nested ? 'symbol-namespace' : 'symbol-field');
  item.tooltip = `${node.path.join('.')}: ${type}${node.field.nullable ? ' (nullable)' : ' (not null)'}${node.partition ? '\nPartition column' : ''}`;
  item.contextValue = 'lakehouse.column';
  return withId(item, node);
}

function versionItem(node: VersionNode): vscode.TreeItem {
  const { entry } = node;
  const item = new vscode.TreeItem(`v${entry.version} ${entry.operation ?? 'commit'}`, vscode.TreeItemCollapsibleState.None);
  const when = new Date(entry.timestamp).toLocaleString();
  item.description = [when, entry.userName, node.current ? 'current' : undefined].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(node.current ? 'git-commit' : 'history');
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**Version ${entry.version}**: ${escape(entry.operation ?? 'commit')}\n\n${escape(when)}`);
  if (entry.userName) tooltip.appendMarkdown(` by ${escape(entry.userName)}`);
  if (entry.engineInfo) tooltip.appendMarkdown(`\n\n${escape(entry.engineInfo)}`);
  appendRecord(tooltip, 'Parameters', entry.operationParameters);
  appendRecord(tooltip, 'Metrics', entry.operationMetrics);
  item.tooltip = tooltip;
  item.contextValue = 'lakehouse.version';
  item.command = { command: 'lakehouse.history.openVersion', title: 'Preview This Version', arguments: [node] };
  return withId(item, node);
}

function partitionItem(node: PartitionNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.description = `${node.files.length} ${node.files.length === 1 ? 'file' : 'files'} · ${formatBytes(totalSize(node.files))}`;
  item.iconPath = new vscode.ThemeIcon('folder');
  return withId(item, node);
}

function fileItem(node: FileNode): vscode.TreeItem {
  const { file } = node;
  const name = decodeURIComponent(file.path.split('/').pop() ?? file.path);
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
  const records = recordCount(file);
  item.description = [formatBytes(file.size), records === undefined ? undefined : `${records} records`,
    file.deletionVector ? `${file.deletionVector.cardinality} deleted` : undefined].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(file.deletionVector ? 'diff-removed' : 'file-binary');
  item.tooltip = `${decodeURIComponent(file.path)}\n${file.size} bytes${records === undefined ? '' : `, ${records} records`}\nModified ${new Date(file.modificationTime).toLocaleString()}`;
  item.contextValue = 'lakehouse.file';
  return withId(item, node);
}

function appendRecord(tooltip: vscode.MarkdownString, title: string, record: Record<string, unknown> | undefined): void {
  const keys = Object.keys(record ?? {});
  if (!record || keys.length === 0) return;
  tooltip.appendMarkdown(`\n\n**${title}**\n`);
  for (const key of keys) tooltip.appendMarkdown(`\n- ${escape(key)}: ${escape(typeof record[key] === 'string' ? String(record[key]) : JSON.stringify(record[key]))}`);
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function withId(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
  item.id = node.id;
  return item;
}
