import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sizeThreadPool, threadPoolSizeFor } from '../../../src/cli/threadPoolSize';

describe('threadPoolSize', () => {
  it('leaves one core to the JS thread, at least one thread and at most libuv default of four', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 16].map(threadPoolSizeFor), [1, 1, 2, 3, 4, 4]);
  });

  it('sets UV_THREADPOOL_SIZE from the cores when the user did not', () => {
    const env: NodeJS.ProcessEnv = {};
    sizeThreadPool('merge', env, 2);
    assert.equal(env.UV_THREADPOOL_SIZE, '1');
  });

  it('keeps the value a user set', () => {
    const env: NodeJS.ProcessEnv = { UV_THREADPOOL_SIZE: '8' };
    sizeThreadPool('merge', env, 2);
    assert.equal(env.UV_THREADPOOL_SIZE, '8');
  });

  it('leaves the pool alone for the streaming connectors (ingest, pipeline)', () => {
    for (const command of ['ingest', 'pipeline']) {
      const env: NodeJS.ProcessEnv = {};
      sizeThreadPool(command, env, 2);
      assert.equal(env.UV_THREADPOOL_SIZE, undefined, command);
    }
  });
});
