import { basename, relative } from 'node:path';
import * as vscode from 'vscode';
import type { LoadedPipeline } from '../../ops/ingest/pipelineDefinition';
import { errorMessage } from '../showError';
import type { PipelineRuns } from './pipelineRuns';

export type PipelineNode =
  | { kind: 'pipeline'; pipeline: LoadedPipeline }
  | { kind: 'invalidPipeline'; file: string; problem: string };

export const PIPELINE_FILES = '.lakehouse/pipelines/*.json';

/** The Pipelines view: `.lakehouse/pipelines/*.json` of every workspace folder, with their run state. */
export class PipelinesTreeProvider implements vscode.TreeDataProvider<PipelineNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PipelineNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private watching = false;

  constructor(private readonly runs: PipelineRuns) {
    this.subscriptions = [runs.onDidChangeRun(() => this.refresh())];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: PipelineNode): vscode.TreeItem {
    if (node.kind === 'invalidPipeline') {
      const item = new vscode.TreeItem(basename(node.file, '.json'), vscode.TreeItemCollapsibleState.None);
      item.id = `pipeline:${node.file}`;
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.description = 'invalid';
      item.tooltip = node.problem;
      item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(node.file)] };
      return item;
    }
    const { pipeline } = node;
    const { definition } = pipeline;
    const running = this.runs.isRunning(pipeline.file);
    const item = new vscode.TreeItem(pipeline.name, vscode.TreeItemCollapsibleState.None);
    item.id = `pipeline:${pipeline.file}`;
    item.iconPath = new vscode.ThemeIcon(running ? 'sync~spin' : this.runs.get(pipeline.file)?.state === 'failed' ? 'error' : 'symbol-event');
    const target = relative(pipeline.workspace, definition.to) || definition.to;
    item.description = `${definition.mode}${running ? ' · running' : ''} · ${definition.table ?? 'query'} → ${target}`;
    item.tooltip = `${pipeline.file}\n${definition.mode} of ${definition.table ?? definition.query ?? ''} into ${definition.to}`;
    item.contextValue = running ? 'lakehouse.pipeline.running' : 'lakehouse.pipeline';
    item.command = { command: 'lakehouse.pipelines.open', title: 'Show Pipeline Status', arguments: [node] };
    return item;
  }

  async getChildren(node?: PipelineNode): Promise<PipelineNode[]> {
    if (node) return [];
    this.watch();
    return this.pipelines();
  }

  /** Every pipeline file of the workspace, parsed; a broken one is listed with its problem. */
  async pipelines(): Promise<PipelineNode[]> {
    const { loadPipeline } = await import('../../ops/ingest/pipelineDefinition');
    const nodes: PipelineNode[] = [];
    for (const folder of (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file')) {
      const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, PIPELINE_FILES));
      for (const uri of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
        try {
          nodes.push({ kind: 'pipeline', pipeline: await loadPipeline(basename(uri.fsPath, '.json'), folder.uri.fsPath) });
        } catch (error) {
          nodes.push({ kind: 'invalidPipeline', file: uri.fsPath, problem: errorMessage(error) });
        }
      }
    }
    return nodes;
  }

  /** Watches the pipeline files once the view is first shown, not at activation. */
  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${PIPELINE_FILES}`);
    this.subscriptions.push(
      watcher,
      watcher.onDidCreate(() => this.refresh()),
      watcher.onDidChange(() => this.refresh()),
      watcher.onDidDelete(() => this.refresh()),
    );
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}
