import { basename, relative } from 'node:path';
import * as vscode from 'vscode';
import { findTablesUnder, tableFoldersOfLogFiles } from '../tables/tableDiscovery';
import type { OpenedTable, TableCache } from '../tables/tableCache';
import { errorMessage } from '../showError';
import {
  columnNodes, fileNodes, fileSectionNodes, message, nestedFields, propertyNodes, sectionNodes, versionNodes,
} from './tableChildren';
import { treeItem } from './treeItems';
import type { RootNode, SectionNode, TableNode, TreeNode } from './treeNode';

/** Versions listed under History; older ones stay reachable through time travel by version. */
const HISTORY_LIMIT = 100;
/** Log files that mark a table folder; `files.exclude` applies through `findFiles`. */
const LOG_FILES = '**/_delta_log/{*.json,*.checkpoint.parquet,_last_checkpoint}';

/** The Tables view: roots -> tables -> Schema / History / Files / Properties. */
export class TablesTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Node objects by location: VS Code refreshes an element by identity, so they are reused. */
  private readonly tableNodes = new Map<string, TableNode>();

  constructor(
    private readonly cache: TableCache,
    private readonly locations: () => string[],
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async getTreeItem(node: TreeNode): Promise<vscode.TreeItem> {
    if (node.kind !== 'table') return treeItem(node);
    return treeItem(node, await this.load(node.location));
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'root': return this.tablesOf(node);
      case 'table': {
        const opened = await this.load(node.location);
        return opened instanceof Error
          ? [message(node.id, opened.message, 'error', `${node.location}\n\n${opened.message}`)]
          : sectionNodes(node.location);
      }
      case 'section': return this.sectionChildren(node);
      case 'column': return columnNodes(node.location, nestedFields(node.field.type), node.path, []);
      case 'partition': return fileNodes(node.location, node.files);
      default: return [];
    }
  }

  /** Every table below every root, for palette commands. */
  async allTables(): Promise<TableNode[]> {
    const children = await Promise.all(this.roots().map((root) => this.tablesOf(root)));
    return children.flat().filter((node): node is TableNode => node.kind === 'table');
  }

  /** Re-reads one table after its log changed; an unknown location means a new table appeared. */
  refreshTable(location: string): void {
    this.cache.invalidate(location);
    this.changed.fire(this.tableNodes.get(location));
  }

  refreshAll(): void {
    this.cache.invalidate();
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  private roots(): RootNode[] {
    const folders: RootNode[] = (vscode.workspace.workspaceFolders ?? [])
      .filter((folder) => folder.uri.scheme === 'file')
      .map((folder) => ({ kind: 'root', id: `root:${folder.uri.fsPath}`, path: folder.uri.fsPath, label: folder.name, fromSetting: false }));
    const extra: RootNode[] = this.locations().map((path) => ({
      kind: 'root', id: `location:${path}`, path, label: basename(path) || path, fromSetting: true,
    }));
    return [...folders, ...extra];
  }

  private async tablesOf(root: RootNode): Promise<TreeNode[]> {
    let locations: string[];
    if (root.fromSetting) {
      locations = await findTablesUnder(root.path);
    } else {
      const logFiles = await vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.file(root.path), LOG_FILES));
      locations = tableFoldersOfLogFiles(logFiles.map((uri) => uri.fsPath));
    }
    if (locations.length === 0) return [message(root.id, 'No Delta tables in this folder', 'info')];
    return locations.map((location) => this.tableNode(location, relative(root.path, location) || basename(location)));
  }

  private tableNode(location: string, label: string): TableNode {
    let node = this.tableNodes.get(location);
    if (!node || node.label !== label) {
      node = { kind: 'table', id: `table:${location}`, location, label };
      this.tableNodes.set(location, node);
    }
    return node;
  }

  private async sectionChildren(node: SectionNode): Promise<TreeNode[]> {
    const opened = await this.load(node.location);
    if (opened instanceof Error) return [];
    const { table, snapshot } = opened;
    switch (node.section) {
      case 'schema': return columnNodes(node.location, snapshot.schema.fields, [], snapshot.partitionColumns);
      case 'files': return fileSectionNodes(node.location, snapshot);
      case 'properties': return propertyNodes(node.location, snapshot);
      case 'history':
        try {
          return versionNodes(node.location, await table.history({ limit: HISTORY_LIMIT }), snapshot.version);
        } catch (error) {
          this.log.error(`Reading the history of ${node.location} failed:`, error);
          return [message(node.id, errorMessage(error), 'error')];
        }
    }
  }

  /** The table or the reason it cannot be opened; a failure is logged, not thrown at the tree. */
  private async load(location: string): Promise<OpenedTable | Error> {
    try {
      return await this.cache.get(location);
    } catch (error) {
      this.log.warn(`Cannot open the Delta table at ${location}: ${errorMessage(error)}`);
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}
