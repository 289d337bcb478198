import assert from 'node:assert/strict';
import type { HostTest } from './hostTest';
import { childByLabel, demoTable, descriptionOf, labelOf, lakehouse, workspaceFolder } from './hostFixtures';

/** The Tables view's data provider, as VS Code calls it, on the demo lakehouse. */
export const tablesTreeTests: HostTest[] = [
  {
    name: 'tree: the workspace root lists the four demo tables with version and size',
    run: async () => {
      const api = await lakehouse();
      const roots = await api.tablesTree.getChildren();
      const rootItems = await Promise.all(roots.map((root) => api.tablesTree.getTreeItem(root)));
      assert.deepEqual(rootItems.map(labelOf), [workspaceFolder().name]);
      const tables = await api.tablesTree.getChildren(roots[0]);
      const items = await Promise.all(tables.map((table) => api.tablesTree.getTreeItem(table)));
      assert.deepEqual(items.map(labelOf), ['customers', 'events', 'prices', 'sales']);
      assert.deepEqual(items.map((item) => item.contextValue), Array(4).fill('lakehouse.table'));
      const sales = items[3];
      assert.ok(sales);
      assert.equal(descriptionOf(sales), 'v15 · 11 KiB');
      assert.match(descriptionOf(items[0] ?? sales), /^v1 · /);
    },
  },
  {
    name: 'tree: a table expands to Schema, History, Files and Properties',
    run: async () => {
      const api = await lakehouse();
      const sales = await demoTable(api, 'sales');
      const sections = await api.tablesTree.getChildren(sales);
      const items = await Promise.all(sections.map((section) => api.tablesTree.getTreeItem(section)));
      assert.deepEqual(items.map(labelOf), ['Schema', 'History', 'Files', 'Properties']);
    },
  },
  {
    name: 'tree: Schema lists the columns with types, the partition column marked',
    run: async () => {
      const api = await lakehouse();
      const schema = await childByLabel(api, await demoTable(api, 'sales'), 'Schema');
      const columns = await api.tablesTree.getChildren(schema);
      const items = await Promise.all(columns.map((column) => api.tablesTree.getTreeItem(column)));
      assert.deepEqual(items.map((item) => [labelOf(item), descriptionOf(item)]), [
        ['part', 'integer · partition'], ['col1', 'integer'], ['col2', 'string'],
      ]);
    },
  },
  {
    name: 'tree: History lists every version newest first, each opening its preview',
    run: async () => {
      const api = await lakehouse();
      const history = await childByLabel(api, await demoTable(api, 'sales'), 'History');
      const versions = await api.tablesTree.getChildren(history);
      const items = await Promise.all(versions.map((version) => api.tablesTree.getTreeItem(version)));
      assert.equal(items.length, 16);
      assert.equal(labelOf(items[0] ?? {}), 'v15 DELETE');
      assert.match(descriptionOf(items[0] ?? {}), / · current$/);
      assert.equal(labelOf(items[15] ?? {}), 'v0 WRITE');
      assert.doesNotMatch(descriptionOf(items[15] ?? {}), /current/);
      assert.equal(items[0]?.command?.command, 'lakehouse.history.openVersion');
      assert.deepEqual(items[0]?.command?.arguments, [versions[0]]);
    },
  },
  {
    name: 'tree: Files groups the data files by partition with sizes and record counts',
    run: async () => {
      const api = await lakehouse();
      const files = await childByLabel(api, await demoTable(api, 'sales'), 'Files');
      const partition = await childByLabel(api, files, 'part=1');
      const file = await childByLabel(api, partition, 'part-00001-d7e5d32a-55fa-410a-afee-adcdf46bc859.c000.snappy.parquet');
      assert.equal(descriptionOf(await api.tablesTree.getTreeItem(file)), '732 B · 2 records');
    },
  },
];
