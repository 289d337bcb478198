import * as vscode from 'vscode';
import { endpointOfUrl, parseProfiles, passwordKey, type PgConnectionProfile } from './pgConnectionProfile';

const SECTION = 'lakehouse';
const SETTING = 'postgres.connections';

/**
 * The saved PostgreSQL connections: host, port, database and user in the user settings
 * (`lakehouse.postgres.connections`, editable by hand), each password in SecretStorage.
 */
export class ConnectionStore {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeConnections = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  list(): PgConnectionProfile[] {
    return parseProfiles(vscode.workspace.getConfiguration(SECTION).get<unknown>(SETTING, []));
  }

  /** Adds or replaces (by name) a connection and stores its password; an empty password removes the stored one. */
  async save(profile: PgConnectionProfile, password: string): Promise<void> {
    const others = this.list().filter((p) => p.name !== profile.name);
    if (password === '') await this.secrets.delete(passwordKey(profile));
    else await this.secrets.store(passwordKey(profile), password);
    await vscode.workspace.getConfiguration(SECTION).update(SETTING, [...others, profile], vscode.ConfigurationTarget.Global);
    this.changed.fire();
  }

  /** Forgets the connection; its password too, unless another saved connection uses the same endpoint. */
  async remove(name: string): Promise<void> {
    const all = this.list();
    const removed = all.find((p) => p.name === name);
    if (!removed) return;
    const rest = all.filter((p) => p.name !== name);
    if (!rest.some((p) => passwordKey(p) === passwordKey(removed))) await this.secrets.delete(passwordKey(removed));
    await vscode.workspace.getConfiguration(SECTION).update(SETTING, rest, vscode.ConfigurationTarget.Global);
    this.changed.fire();
  }

  async password(profile: PgConnectionProfile): Promise<string | undefined> {
    return this.secrets.get(passwordKey(profile));
  }

  /** The password saved for the endpoint a pipeline's URL names, if a connection saved one. */
  async passwordForUrl(url: string): Promise<string | undefined> {
    const endpoint = endpointOfUrl(url);
    return endpoint ? this.secrets.get(passwordKey(endpoint)) : undefined;
  }

  /** Settings edited by hand show up without a reload. */
  notifyConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (event.affectsConfiguration(`${SECTION}.${SETTING}`)) this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
