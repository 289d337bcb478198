import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EarlyStart } from '../../../src/delta/write/earlyStart';

describe('EarlyStart', () => {
  test('start() asks for the first item at once; the loop then gets every item once, in order', async () => {
    const asked: number[] = [];
    async function* source(): AsyncGenerator<number> {
      for (let i = 0; i < 3; i++) {
        asked.push(i);
        yield i * 10;
      }
    }
    const early = new EarlyStart(source());
    assert.equal(early.started, false);
    early.start();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(asked, [0], 'the first item was asked for before the loop');
    const seen: number[] = [];
    for await (const value of early) seen.push(value);
    assert.deepEqual(seen, [0, 10, 20]);
  });

  test('a loop without start() reads a synchronous source too; stop() ends a started source that is not read', async () => {
    const seen: number[] = [];
    for await (const value of new EarlyStart([1, 2])) seen.push(value);
    assert.deepEqual(seen, [1, 2]);
    let closed = false;
    async function* source(): AsyncGenerator<number> {
      try {
        yield 1;
        yield 2;
      } finally {
        closed = true;
      }
    }
    const early = new EarlyStart(source());
    early.start();
    await early.stop();
    assert.equal(closed, true);
    await new EarlyStart(source()).stop();
  });

  test('a failing first item fails the loop, not the process', async () => {
    async function* failing(): AsyncGenerator<number> {
      await Promise.resolve();
      if (Date.now() > 0) throw new Error('corrupt page');
      yield 0;
    }
    const early = new EarlyStart(failing());
    early.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await assert.rejects(async () => {
      for await (const value of early) assert.fail(String(value));
    }, /corrupt page/);
  });
});
