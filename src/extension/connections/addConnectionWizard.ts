import * as vscode from 'vscode';
import { connectionProblem } from './connectionProblem';
import type { ConnectionStore } from './connectionStore';
import { DEFAULT_PG_PORT, portProblem, profileUrl, type PgConnectionProfile } from './pgConnectionProfile';
import { inputStep } from './wizardInputs';

const TITLE = 'Add PostgreSQL Connection';
const STEPS = 6;
/** A connection test gives up after this long: a host that drops packets would otherwise hang for minutes. */
const TEST_TIMEOUT_MS = 10_000;

/**
 * Asks host, port, database, user, password and a name, tests the connection, and saves it only
 * once the server accepted it. A failed test says what to fix and offers to edit the answers.
 */
export async function addConnectionWizard(store: ConnectionStore, log: vscode.LogOutputChannel): Promise<PgConnectionProfile | undefined> {
  let draft: PgConnectionProfile = { name: '', host: 'localhost', port: DEFAULT_PG_PORT, database: 'postgres', user: '' };
  let password = '';
  for (;;) {
    const answered = await askConnection(store, draft, password);
    if (!answered) return undefined;
    ({ profile: draft, password } = answered);
    const tested = await testConnection(draft, password);
    if (tested.ok) {
      await store.save(draft, password);
      log.info(`Saved PostgreSQL connection "${draft.name}" (${profileUrl(draft)}): ${tested.server}`);
      void vscode.window.showInformationMessage(`Connected to ${tested.server} as ${draft.user}; saved "${draft.name}".`);
      // The view starts collapsed under Tables: show the user where the connection went.
      await vscode.commands.executeCommand('lakehouse.connections.focus');
      return draft;
    }
    log.warn(`Connection test of ${profileUrl(draft)} failed: ${tested.problem}`);
    // Modal: the user is in the middle of a flow, and the answers are kept for the edit.
    const choice = await vscode.window.showErrorMessage('Connection test failed', { modal: true, detail: tested.problem }, 'Edit Connection…');
    if (choice !== 'Edit Connection…') return undefined;
  }
}

async function askConnection(store: ConnectionStore, draft: PgConnectionProfile, password: string): Promise<{ profile: PgConnectionProfile; password: string } | undefined> {
  const required = (what: string) => (value: string): string | undefined => (value.trim() === '' ? `Enter the ${what}.` : undefined);
  const host = await inputStep({ title: TITLE, step: 1, totalSteps: STEPS, prompt: 'Host name or address (or the directory of a unix socket)', value: draft.host, validate: required('host') });
  if (host === undefined) return undefined;
  const port = await inputStep({ title: TITLE, step: 2, totalSteps: STEPS, prompt: 'Port', value: String(draft.port), validate: portProblem });
  if (port === undefined) return undefined;
  const database = await inputStep({ title: TITLE, step: 3, totalSteps: STEPS, prompt: 'Database', value: draft.database, validate: required('database name') });
  if (database === undefined) return undefined;
  const user = await inputStep({ title: TITLE, step: 4, totalSteps: STEPS, prompt: 'User', value: draft.user, validate: required('user name') });
  if (user === undefined) return undefined;
  const secret = await inputStep({
    title: TITLE, step: 5, totalSteps: STEPS, password: true, value: password,
    prompt: 'Password (kept in VS Code\'s secret storage, never in settings; leave empty if the server asks for none)',
  });
  if (secret === undefined) return undefined;
  const endpoint = { host: host.trim(), port: Number(port), database: database.trim(), user: user.trim() };
  const taken = new Set(store.list().map((p) => p.name).filter((n) => n !== draft.name));
  const name = await inputStep({
    title: TITLE, step: 6, totalSteps: STEPS, prompt: 'A name for this connection',
    value: draft.name || `${endpoint.user}@${endpoint.host}/${endpoint.database}`,
    validate: (value) => (value.trim() === '' ? 'Enter a name.' : taken.has(value.trim()) ? `A connection named "${value.trim()}" exists already.` : undefined),
  });
  if (name === undefined) return undefined;
  return { profile: { name: name.trim(), ...endpoint }, password: secret };
}

type TestResult = { ok: true; server: string } | { ok: false; problem: string };

async function testConnection(profile: PgConnectionProfile, password: string): Promise<TestResult> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to ${profile.host}:${profile.port}…` }, async () => {
    const { connectPostgres } = await import('../../connectors/postgres/pgConnect');
    try {
      const client = await connectPostgres({
        url: profileUrl(profile), connectTimeoutMs: TEST_TIMEOUT_MS, ...(password === '' ? {} : { password }),
      });
      try {
        const version = await client.query<{ v: string }>("SELECT split_part(version(), ' ', 1) || ' ' || current_setting('server_version') AS v");
        return { ok: true as const, server: version.rows[0]?.v ?? 'PostgreSQL' };
      } finally {
        await client.end().catch(() => undefined);
      }
    } catch (error) {
      return { ok: false as const, problem: connectionProblem(error, profile) };
    }
  });
}
