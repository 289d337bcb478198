import type { TablesTreeProvider } from './tree/tablesTreeProvider';

/**
 * What `activate` returns (`vscode.extensions.getExtension(...).exports`): the objects behind the
 * views, so in-host tests (test/host) check the tree the user sees rather than a second copy.
 */
export interface LakehouseApi {
  tablesTree: TablesTreeProvider;
}
