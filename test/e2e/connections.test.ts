import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { formatLsn } from '../../src/connectors/postgres/lsn';
import { DeltaTable } from '../../src/delta/table';
import { MISSING_POSTGRES, PASSWORD, PASSWORD_USER, startPostgresCluster, type PostgresCluster } from '../helpers/postgresCluster';
import { expectText } from './harness/expectText';
import { gridRows, waitForDrawnRow } from './harness/previewGrid';
import { fillQuickInput, pickQuickItem, submitQuickInput } from './harness/quickInput';
import { activeWebview, openLakehouseSidebar, previewTable, runCommand, runContextMenuItem, screenshot, setTreeRowExpanded, treeRow } from './harness/workbench';
import { UI_TIMEOUT } from './harness/uiTimeout';
import { workbenchForFile } from './harness/workbenchForFile';

const workbench = workbenchForFile();
let cluster: PostgresCluster | undefined;

/** The source rows, as the preview grid shows them (id, customer, amount). */
const ORDERS = [[1, 'Ada', '12.50'], [2, 'Grace', '7.00'], [3, 'Linus', '99.99'], [4, 'Barbara', '0.10'], [5, 'Edsger', '1234.56']] as const;

before(async () => {
  cluster = await startPostgresCluster();
  if (!cluster) return;
  const admin = await cluster.client();
  await admin.query('CREATE TABLE public.orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2))');
  await admin.query(`INSERT INTO public.orders VALUES ${ORDERS.map(([id, customer, amount]) => `(${id}, '${customer}', ${amount})`).join(', ')}`);
  // Row estimates come from pg_class.reltuples, which ANALYZE sets.
  await admin.query('ANALYZE public.orders');
  // cdc creates a publication for the table and may set its replica identity: the owner's rights.
  await admin.query('CREATE TABLE public.events (id int PRIMARY KEY, note text)');
  await admin.query("INSERT INTO public.events VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  await admin.query(`ALTER TABLE public.events OWNER TO ${PASSWORD_USER}`);
  await admin.query(`GRANT CREATE ON DATABASE postgres TO ${PASSWORD_USER}`);
});
after(async () => cluster?.stop());

test('Add a PostgreSQL connection (a wrong password is caught first), browse to a table, ingest it into Delta, preview it', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  if (!cluster) return t.skip(MISSING_POSTGRES);
  const { page, workspace } = session;

  await openLakehouseSidebar(page);
  await runCommand(page, 'Lakehouse: Add PostgreSQL Connection…');
  const title = 'Add PostgreSQL Connection';
  await answerStep(page, title, 1, '127.0.0.1');
  await answerStep(page, title, 2, String(cluster.port));
  await answerStep(page, title, 3, 'postgres');
  await waitForStep(page, title, 4);
  await inputOfType(page, 'text');
  await answerStep(page, title, 4, PASSWORD_USER);
  await waitForStep(page, title, 5);
  await inputOfType(page, 'password');
  await answerStep(page, title, 5, 'hunter2-wrong');
  await answerStep(page, title, 6, 'testdb');

  const failure = page.locator('.monaco-dialog-box', { hasText: 'Connection test failed' });
  await failure.waitFor();
  await expectText(failure.locator('.dialog-message-detail'),
    `The password for user "${PASSWORD_USER}" was rejected by 127.0.0.1:${cluster.port}. Enter the right password.`);
  await screenshot(page, 'connections-bad-password');
  await failure.locator('.monaco-button', { hasText: 'Edit Connection…' }).click();
  // The answers are kept: Enter through them and fix only the password.
  for (const step of [1, 2, 3, 4]) await answerStep(page, title, step);
  await waitForStep(page, title, 5);
  await inputOfType(page, 'password');
  await answerStep(page, title, 5, PASSWORD);
  await answerStep(page, title, 6);

  const connections = page.locator('.monaco-list[aria-label="Connections"]');
  await setTreeRowExpanded(connections, 'testdb', true);
  await setTreeRowExpanded(connections, 'public', true);
  const orders = treeRow(connections, 'orders');
  await expectText(orders.locator('.label-description'), '~5 rows · PK id');
  await screenshot(page, 'connections-tree');

  // The password went to SecretStorage, not to the settings.
  const settings = readFileSync(join(session.server.userDataDir, 'User', 'settings.json'), 'utf8');
  assert.match(settings, /"lakehouse\.postgres\.connections"/);
  assert.ok(!settings.includes(PASSWORD) && !settings.includes('hunter2'), 'a password was written to settings.json');

  await runContextMenuItem(orders, 'Ingest into Delta…');
  const ingest = 'Ingest public.orders into Delta';
  await answerStep(page, ingest, 1, 'bronze/orders');
  await waitForStep(page, ingest, 2);
  await pickQuickItem(page, 'snapshot');
  await answerStep(page, ingest, 3);
  await answerStep(page, ingest, 4, 'orders-snapshot');

  const tables = await openLakehouseSidebar(page);
  await expectText(treeRow(tables, 'bronze/orders').locator('.label-description'), /^v0 · /, 2 * UI_TIMEOUT);
  const pipeline: unknown = JSON.parse(readFileSync(join(workspace, '.lakehouse', 'pipelines', 'orders-snapshot.json'), 'utf8'));
  assert.deepEqual(pipeline, {
    source: 'postgres', url: `postgresql://${PASSWORD_USER}@127.0.0.1:${cluster.port}/postgres`, table: 'public.orders', to: 'bronze/orders', mode: 'snapshot',
  });

  const frame = await previewTable(page, 'bronze/orders');
  await waitForDrawnRow(frame, () => true);
  const rows = (await gridRows(frame)).sort((a, b) => Number(a[0]) - Number(b[0]));
  assert.deepEqual(rows, ORDERS.map(([id, customer, amount]) => [String(id), customer, amount]));
  await screenshot(page, 'connections-ingested-preview');

  // The Pipelines view lists the saved pipeline; its status panel reads the table's log.
  const panel = await openPipelineStatus(page, 'orders-snapshot');
  await expectText(panel.locator('tr[data-metric="Table version"] td.mono'), '0');
  await expectText(panel.locator('tr[data-metric="Last run"] td.mono'), /^Copied 5 rows as version 0/);
  await expectText(panel.locator('tr[data-metric="Last error"] td.mono'), 'none');
  await screenshot(page, 'connections-pipeline-status');
});

test('cdc from the status panel: Start follows the source, Stop commits what is buffered and releases the slot', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  if (!cluster) return t.skip(MISSING_POSTGRES);
  const { page, workspace } = session;
  // The connection the first test saved.
  const connections = await expandView(page, 'Connections');
  const events = treeRow(connections, 'events');
  await events.locator('.label-description', { hasText: 'PK id' }).waitFor();
  await runContextMenuItem(events, 'Ingest into Delta…');
  const ingest = 'Ingest public.events into Delta';
  await answerStep(page, ingest, 1, 'bronze/events');
  await waitForStep(page, ingest, 2);
  await pickQuickItem(page, 'cdc');
  await answerStep(page, ingest, 3, 'events-cdc');
  const tables = await openLakehouseSidebar(page);
  await expectText(treeRow(tables, 'bronze/events').locator('.label-description'), /^v0 · /, 2 * UI_TIMEOUT);
  const target = join(workspace, 'bronze', 'events');
  const definition = JSON.parse(readFileSync(join(workspace, '.lakehouse', 'pipelines', 'events-cdc.json'), 'utf8')) as { slot: string };

  const panel = await openPipelineStatus(page, 'events-cdc');
  const metric = (name: string): Locator => panel.locator(`tr[data-metric="${name}"] td.mono`);
  await metric('Last LSN').filter({ hasText: `(slot ${definition.slot})` }).waitFor();
  await panel.locator('button', { hasText: 'Start' }).click();
  await metric('State').filter({ hasText: 'Following the source' }).waitFor();

  const admin = await cluster.client();
  await admin.query("INSERT INTO public.events VALUES (4, 'four'), (5, 'five')");
  await admin.query("UPDATE public.events SET note = 'TWO' WHERE id = 2");
  await admin.query('DELETE FROM public.events WHERE id = 1');
  await metric('Lag').filter({ hasText: / ms$/ }).waitFor({ timeout: 2 * UI_TIMEOUT });
  await screenshot(page, 'connections-cdc-following');
  await panel.locator('button', { hasText: 'Stop' }).click();
  await metric('State').filter({ hasText: 'Idle' }).waitFor({ timeout: 2 * UI_TIMEOUT });
  await expectText(metric('Last run'), /^\d+ changes? in \d+ commits?; the table is up to date with LSN [0-9A-F]+\/[0-9A-F]+ \(slot /);
  await expectText(metric('Last error'), 'none');
  await screenshot(page, 'connections-cdc-stopped');

  // The table equals the source; the LSN it records is the one the panel shows; the slot is released.
  const snapshot = await (await DeltaTable.open(target)).snapshot();
  const delta: string[] = [];
  for await (const batch of snapshot.scan().batches()) for (const row of batch) delta.push(`${String(row?.toJSON().id)}=${String(row?.toJSON().note)}`);
  const source = (await admin.query<{ id: number; note: string }>('SELECT id, note FROM public.events ORDER BY id')).rows.map((r) => `${r.id}=${r.note}`);
  assert.deepEqual(delta.sort(), source.sort());
  assert.deepEqual(source, ['2=TWO', '3=three', '4=four', '5=five']);
  const lsn = snapshot.txnVersion(definition.slot);
  assert.ok(lsn !== undefined);
  await expectText(metric('Last LSN'), `${formatLsn(lsn)} (slot ${definition.slot})`);
  const slot = await admin.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [definition.slot]);
  assert.deepEqual(slot.rows, [{ active: false }]);
});

/**
 * Opens a pipeline's status panel from the Pipelines view and returns it once it shows that pipeline.
 * A click on a row the view re-renders at that moment (a run's state change refreshes it) is lost,
 * so the click is repeated until the panel's tab is the active one: opening it again only reveals it.
 */
async function openPipelineStatus(page: Page, name: string): Promise<FrameLocator> {
  const row = treeRow(await expandView(page, 'Pipelines'), name);
  const tab = page.locator('.tab.active', { hasText: `Pipeline: ${name}` });
  for (let attempt = 1; ; attempt++) {
    await row.click();
    try {
      await tab.waitFor({ timeout: UI_TIMEOUT / 4 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  const panel = activeWebview(page);
  await panel.locator('.status', { hasText: `${name} · ` }).waitFor();
  return panel;
}

/** A view of the Lakehouse container, expanded (Connections and Pipelines start collapsed under Tables). */
async function expandView(page: Page, name: string): Promise<Locator> {
  const header = page.locator('.pane-header', { hasText: name });
  await header.waitFor();
  if (await header.getAttribute('aria-expanded') !== 'true') await header.click();
  const list = page.locator(`.monaco-list[aria-label="${name}"]`);
  await list.waitFor();
  return list;
}

async function waitForStep(page: Page, title: string, step: number): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).filter({ hasText: `(${step}/` }).waitFor();
}

/** The step's input box once it is of this type (a password step masks what is typed). */
async function inputOfType(page: Page, type: 'text' | 'password'): Promise<void> {
  await page.locator(`.quick-input-widget input[type="${type}"]`).waitFor();
}

/**
 * Answers one step of a multi-step input once it shows, then waits for the wizard to leave it; without a
 * value the proposed one is accepted. Our value is checked to be in the box before Enter, so a value the
 * extension sets as the step opens cannot replace it unseen.
 */
async function answerStep(page: Page, title: string, step: number, value?: string): Promise<void> {
  await waitForStep(page, title, step);
  if (value !== undefined) await fillQuickInput(page, value);
  await submitQuickInput(page);
}
