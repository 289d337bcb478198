import { AsyncLocalStorage } from 'node:async_hooks';
import type { ObjectStore } from '../../storage/objectStore';
import type { Action } from '../actions';

/** A commit that just succeeded, as post-commit hooks see it. */
export interface CommittedVersion {
  store: ObjectStore;
  version: number;
  /** The actions written, commitInfo first. */
  actions: readonly Action[];
  /** The table's configuration (properties) as committed. */
  configuration: Readonly<Record<string, string>>;
}

/**
 * Called synchronously after each successful commit in its scope. It must only take note (and not
 * throw): the commit already stands, and whatever work it triggers runs after the operation
 * returns (see withPostCommitHook), like Spark's post-commit hooks that run after the commit.
 */
export type PostCommitHook = (commit: CommittedVersion) => void;

const hooks = new AsyncLocalStorage<readonly PostCommitHook[]>();

/**
 * Runs `operation` with `hook` called after every commit made inside it, in any table, however
 * deep (writeTable, MERGE, DELETE, ...). This is how layers above the engine (auto-compaction in
 * src/ops) learn what was committed without the engine importing them; nested scopes add up.
 */
export function withPostCommitHook<T>(hook: PostCommitHook, operation: () => Promise<T>): Promise<T> {
  return hooks.run([...(hooks.getStore() ?? []), hook], operation);
}

/** Called by Transaction.commit once its commit file is written. */
export function runPostCommitHooks(commit: CommittedVersion): void {
  for (const hook of hooks.getStore() ?? []) hook(commit);
}
