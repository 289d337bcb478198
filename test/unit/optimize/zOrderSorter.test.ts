import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Int32, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { MemoryMeter } from '../../../src/ops/optimize/memoryMeter';
import { seededRandom } from '../../../src/ops/optimize/seededRandom';
import { ZOrderKey, type ZOrderColumn } from '../../../src/ops/optimize/zOrderKey';
import { ZOrderSorter } from '../../../src/ops/optimize/zOrderSorter';

const ROWS = 20_000;

/** Rows id, a, b, c, d: a and b from a small domain, so many rows share a Z-value (ties). */
function batchesOf(rows: number, perBatch: number): RecordBatch[] {
  const random = seededRandom(7);
  const names = ['id', 'a', 'b', 'c', 'd'];
  const fields = names.map((name) => new Field(name, new Int32(), false));
  const out: RecordBatch[] = [];
  for (let first = 0; first < rows; first += perBatch) {
    const count = Math.min(perBatch, rows - first);
    const columns = names.map((name) => Int32Array.from({ length: count }, (_, i) => (name === 'id' ? first + i : Math.floor(random() * (name < 'c' ? 40 : 1000)))));
    const children = columns.map((data) => makeData({ type: new Int32(), length: count, nullCount: 0, data }));
    out.push(new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: count, nullCount: 0, children })));
  }
  return out;
}

/**
 * Sorts the rows through ZOrderSorter (a small budget: several buckets, spilled) and checks that
 * each file between the cuts holds exactly the rows a stable sort by Z-value puts there.
 */
async function checkFiles(columnNames: string[]): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-zsorter-'));
  try {
    const batches = batchesOf(ROWS, 1500);
    const columns: ZOrderColumn[] = columnNames.map((name) => ({ name, type: { kind: 'primitive', name: 'integer' } }));
    const rowValues = (batch: RecordBatch, row: number): number[] => columnNames.map((name) => batch.getChild(name)?.get(row) as number);
    const sample = batches.flatMap((batch) => Array.from({ length: batch.numRows }, (_, row) => rowValues(batch, row))).filter((_, i) => i % 7 === 0);
    const key = new ZOrderKey(columns, sample);
    const sorter = new ZOrderSorter({ key, sample, estimatedBytes: ROWS * 20, memoryBudget: 64 * 1024, meter: new MemoryMeter(), spillDirectory: root });
    assert.ok(sorter.buckets > 3, `${sorter.buckets} buckets`);
    for (const batch of batches) await sorter.add(batch);
    const cuts = [3000, 7001, 7002, 15_000];
    const files: number[][] = [[]];
    let position = 0;
    for await (const batch of sorter.sorted(cuts, 1000)) {
      assert.ok(batch.numRows <= 1000);
      const ids = batch.getChild('id')?.toArray() as Int32Array;
      for (const id of ids) {
        if (cuts.includes(position)) files.push([]);
        (files.at(-1) as number[]).push(id);
        position++;
      }
      assert.equal(batch.schema.fields.length, 5, 'no Z-value column in the output');
    }
    assert.ok(sorter.spillFiles > 1, 'spilled');
    // The reference: every row's Z-value, stable-sorted (ties keep arrival order), cut at the same places.
    const all = batches.flatMap((batch) => Array.from({ length: batch.numRows }, (_, row) => ({ id: batch.getChild('id')?.get(row) as number, z: key.zOf(rowValues(batch, row)) })));
    all.sort((p, q) => p.z - q.z);
    const expected = [0, ...cuts, ROWS].slice(1).map((end, i) => all.slice([0, ...cuts][i], end).map((r) => r.id).sort((p, q) => p - q));
    assert.deepEqual(files.map((f) => f.length), expected.map((f) => f.length));
    assert.deepEqual(files.map((f) => [...f].sort((p, q) => p - q)), expected);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('ZOrderSorter', () => {
  test('each file gets exactly its run of the curve (two columns: quickselect of the chunk ends, ties by arrival)', () => checkFiles(['a', 'b']));
  test('the same with Z-values too wide to pack with positions (comparator sort)', () => checkFiles(['a', 'b', 'c', 'd', 'id']));
});
