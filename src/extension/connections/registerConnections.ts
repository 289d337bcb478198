import * as vscode from 'vscode';
import type { LoadedPipeline } from '../../ops/ingest/pipelineDefinition';
import { openPipelinePanel } from '../pipelines/pipelinePanel';
import { PipelineRuns } from '../pipelines/pipelineRuns';
import { PipelinesTreeProvider, type PipelineNode } from '../pipelines/pipelinesTreeProvider';
import { addConnectionWizard } from './addConnectionWizard';
import { ConnectionStore } from './connectionStore';
import { ConnectionsTreeProvider, type ConnectionNode } from './connectionsTreeProvider';
import { ingestWizard } from './ingestWizard';

export interface ConnectionDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  /** The Tables view re-reads a table an ingest wrote (and finds a new one). */
  onDidWriteTable: (location: string) => void;
}

/**
 * The PostgreSQL side of the sidebar: the Connections and Pipelines views and their commands
 * (`lakehouse.connections.*`, `lakehouse.pipelines.*`). Nothing here loads `pg` or the engine
 * until a node is expanded or a command runs.
 */
export function registerConnections(deps: ConnectionDeps): vscode.Disposable[] {
  const { context, log } = deps;
  const store = new ConnectionStore(context.secrets);
  const connections = new ConnectionsTreeProvider(store, log);
  const runs = new PipelineRuns(store, log, deps.onDidWriteTable);
  const pipelines = new PipelinesTreeProvider(runs);
  const panelDeps = { extensionUri: context.extensionUri, log, runs };

  const guarded = <A extends unknown[]>(what: string, run: (...args: A) => Promise<void>) => async (...args: A): Promise<void> => {
    try {
      await run(...args);
    } catch (error) {
      const { showError } = await import('../showError');
      await showError(log, what, error);
    }
  };
  const pipelineOf = async (node: unknown, placeHolder: string): Promise<LoadedPipeline | undefined> => {
    if (isPipelineNode(node)) return node.pipeline;
    const all = (await pipelines.pipelines()).filter((n): n is Extract<PipelineNode, { kind: 'pipeline' }> => n.kind === 'pipeline');
    if (all.length === 0) {
      void vscode.window.showInformationMessage('No pipelines in this workspace: run "Ingest into Delta…" on a table in the Connections view to make one.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(all.map((n) => ({ label: n.pipeline.name, description: n.pipeline.definition.mode, node: n })), { placeHolder });
    return picked?.node.pipeline;
  };

  return [
    store, connections, runs, pipelines,
    vscode.window.createTreeView('lakehouse.connections', { treeDataProvider: connections, showCollapseAll: true }),
    vscode.window.createTreeView('lakehouse.pipelines', { treeDataProvider: pipelines }),
    vscode.workspace.onDidChangeConfiguration((event) => store.notifyConfigurationChanged(event)),
    vscode.commands.registerCommand('lakehouse.connections.add', guarded('Add Connection failed', async () => { await addConnectionWizard(store, log); })),
    vscode.commands.registerCommand('lakehouse.connections.refresh', () => connections.refresh()),
    vscode.commands.registerCommand('lakehouse.connections.remove', guarded('Remove Connection failed', async (node?: ConnectionNode) => {
      if (node?.kind !== 'connection') return;
      const choice = await vscode.window.showWarningMessage(`Remove the connection "${node.profile.name}" and its saved password?`, { modal: true }, 'Remove');
      if (choice === 'Remove') await store.remove(node.profile.name);
    })),
    vscode.commands.registerCommand('lakehouse.connections.ingest', guarded('Ingest into Delta failed', async (node?: ConnectionNode) => {
      if (node?.kind !== 'pgTable') {
        void vscode.window.showInformationMessage('Pick a table in the Connections view, then "Ingest into Delta…" from its menu.');
        return;
      }
      const pipeline = await ingestWizard(store, node.profile, node.table);
      if (!pipeline) return;
      log.info(`Saved pipeline ${pipeline.file}`);
      const result = await runs.run(pipeline, false);
      if (!result) return;
      const choice = await vscode.window.showInformationMessage(`Pipeline "${pipeline.name}": ${runs.get(pipeline.file)?.summary ?? 'done'}`, 'Show Status');
      if (choice === 'Show Status') openPipelinePanel(panelDeps, pipeline);
    })),
    vscode.commands.registerCommand('lakehouse.pipelines.refresh', () => pipelines.refresh()),
    vscode.commands.registerCommand('lakehouse.pipelines.open', guarded('Show Pipeline Status failed', async (node?: unknown) => {
      const pipeline = await pipelineOf(node, 'Pipeline to show');
      if (pipeline) openPipelinePanel(panelDeps, pipeline);
    })),
    vscode.commands.registerCommand('lakehouse.pipelines.run', guarded('Run Pipeline failed', async (node?: unknown) => {
      const pipeline = await pipelineOf(node, 'Pipeline to run');
      if (pipeline) await runs.run(pipeline, false);
    })),
    vscode.commands.registerCommand('lakehouse.pipelines.stop', (node?: unknown) => {
      if (isPipelineNode(node)) runs.stop(node.pipeline.file);
    }),
  ];
}

function isPipelineNode(node: unknown): node is Extract<PipelineNode, { kind: 'pipeline' }> {
  return typeof node === 'object' && node !== null && 'kind' in node && node.kind === 'pipeline' && 'pipeline' in node;
}
