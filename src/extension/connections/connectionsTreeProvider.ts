import * as vscode from 'vscode';
import type { PgCatalogTable } from '../../connectors/postgres/pgCatalog';
import type pg from 'pg';
import { connectionProblem } from './connectionProblem';
import type { ConnectionStore } from './connectionStore';
import { profileUrl, type PgConnectionProfile } from './pgConnectionProfile';
import { tableDescription } from './tableDescription';

export type ConnectionNode =
  | { kind: 'connection'; profile: PgConnectionProfile }
  | { kind: 'schema'; profile: PgConnectionProfile; schema: string }
  | { kind: 'pgTable'; profile: PgConnectionProfile; table: PgCatalogTable }
  | { kind: 'message'; id: string; label: string; error: boolean };

/** The Connections view: saved PostgreSQL connections -> schemas -> tables with row estimates and keys. */
export class ConnectionsTreeProvider implements vscode.TreeDataProvider<ConnectionNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ConnectionNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ConnectionStore, private readonly log: vscode.LogOutputChannel) {
    this.subscription = store.onDidChangeConnections(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: ConnectionNode): vscode.TreeItem {
    const { Collapsed, None } = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'connection': {
        const item = new vscode.TreeItem(node.profile.name, Collapsed);
        item.id = `pg:${node.profile.name}`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.description = `${node.profile.user}@${node.profile.host}:${node.profile.port}/${node.profile.database}`;
        item.tooltip = profileUrl(node.profile);
        item.contextValue = 'lakehouse.pgConnection';
        return item;
      }
      case 'schema': {
        const item = new vscode.TreeItem(node.schema, Collapsed);
        item.id = `pg:${node.profile.name}/${node.schema}`;
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.contextValue = 'lakehouse.pgSchema';
        return item;
      }
      case 'pgTable': {
        const { table } = node;
        const item = new vscode.TreeItem(table.name, None);
        item.id = `pg:${node.profile.name}/${table.schema}/${table.name}`;
        item.iconPath = new vscode.ThemeIcon(table.kind === 'view' || table.kind === 'materialized view' ? 'eye' : 'table');
        item.description = tableDescription(table);
        item.tooltip = `${table.schema}.${table.name} (${table.kind})\n${tableDescription(table)}`;
        item.contextValue = 'lakehouse.pgTable';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info', node.error ? new vscode.ThemeColor('errorForeground') : undefined);
        item.tooltip = node.label;
        return item;
      }
    }
  }

  async getChildren(node?: ConnectionNode): Promise<ConnectionNode[]> {
    if (!node) return this.store.list().map((profile) => ({ kind: 'connection', profile }));
    if (node.kind === 'connection') {
      return this.query(node.profile, `pg:${node.profile.name}`, async (client) => {
        const { listPgSchemas } = await import('../../connectors/postgres/pgCatalog');
        const schemas = await listPgSchemas(client);
        return schemas.map((schema): ConnectionNode => ({ kind: 'schema', profile: node.profile, schema }));
      });
    }
    if (node.kind === 'schema') {
      return this.query(node.profile, `pg:${node.profile.name}/${node.schema}`, async (client) => {
        const { listPgTables } = await import('../../connectors/postgres/pgCatalog');
        const tables = await listPgTables(client, node.schema);
        if (tables.length === 0) return [{ kind: 'message', id: `pg:${node.profile.name}/${node.schema}#empty`, label: 'No tables', error: false }];
        return tables.map((table): ConnectionNode => ({ kind: 'pgTable', profile: node.profile, table }));
      });
    }
    return [];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** One short-lived connection per expanded node; a failure becomes an error row, not an exception. */
  private async query(profile: PgConnectionProfile, id: string, work: (client: pg.Client) => Promise<ConnectionNode[]>): Promise<ConnectionNode[]> {
    try {
      const { connectPostgres } = await import('../../connectors/postgres/pgConnect');
      const password = await this.store.password(profile);
      const client = await connectPostgres({ url: profileUrl(profile), connectTimeoutMs: 10_000, ...(password === undefined ? {} : { password }) });
      try {
        return await work(client);
      } finally {
        await client.end().catch(() => undefined);
      }
    } catch (error) {
      const problem = connectionProblem(error, profile);
      this.log.warn(`Browsing PostgreSQL connection "${profile.name}" failed: ${problem}`);
      return [{ kind: 'message', id: `${id}#error`, label: problem, error: true }];
    }
  }
}
