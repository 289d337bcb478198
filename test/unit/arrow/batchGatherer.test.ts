import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dictionary, Int32, RecordBatch, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { BatchGatherer } from '../../../src/arrow/batchGatherer';

function ids(from: number, count: number): RecordBatch {
  return new RecordBatch({
    id: vectorFromArray(Array.from({ length: count }, (_, i) => from + i), new Int32()).data[0] as Data<Int32>,
    name: vectorFromArray(Array.from({ length: count }, (_, i) => `n${from + i}`), new Utf8()).data[0] as Data<Utf8>,
  });
}

const idsOf = (batches: RecordBatch[]): number[] => batches.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => b.get(i)?.id as number));

describe('BatchGatherer', () => {
  test('holds batches until they make the row count, then gives them back as one batch in order', () => {
    const gatherer = new BatchGatherer(10);
    assert.deepEqual(gatherer.add(ids(0, 4)), []);
    assert.deepEqual(gatherer.add(ids(4, 4)), []);
    assert.equal(gatherer.pending, 8);
    const out = gatherer.add(ids(8, 3));
    assert.deepEqual(out.map((b) => b.numRows), [11]);
    assert.deepEqual(idsOf(out), Array.from({ length: 11 }, (_, i) => i));
    assert.equal(out[0]?.get(10)?.name, 'n10');
    assert.equal(gatherer.pending, 0);
  });

  test('drain gives back the rows held, then nothing', () => {
    const gatherer = new BatchGatherer(100);
    gatherer.add(ids(0, 2));
    gatherer.add(ids(2, 3));
    const held = gatherer.drain();
    assert.deepEqual(idsOf(held), [0, 1, 2, 3, 4]);
    assert.equal(held.length, 1);
    assert.deepEqual(gatherer.drain(), []);
  });

  test('a batch as large as the row count passes as it is, after the rows held before it', () => {
    const gatherer = new BatchGatherer(5);
    gatherer.add(ids(0, 2));
    const large = ids(2, 6);
    const out = gatherer.add(large);
    assert.deepEqual(out.map((b) => b.numRows), [2, 6]);
    assert.equal(out[1], large);
    assert.deepEqual(idsOf(out), [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('a batch of another schema ends what was held; one of types it cannot join passes as it is', () => {
    const gatherer = new BatchGatherer(100);
    gatherer.add(ids(0, 2));
    const other = new RecordBatch({ id: vectorFromArray([7], new Int32()).data[0] as Data<Int32> });
    assert.deepEqual(gatherer.add(other).map((b) => b.numRows), [2]);
    const codes = vectorFromArray(['a'], new Dictionary(new Utf8(), new Int32())).data[0] as Data<Dictionary<Utf8, Int32>>;
    const dictionaryRows = new RecordBatch({ d: codes });
    const out = gatherer.add(dictionaryRows);
    assert.deepEqual(out.map((b) => b.numRows), [1, 1]);
    assert.equal(out[1], dictionaryRows);
  });
});
