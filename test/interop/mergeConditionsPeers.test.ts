import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Data, Decimal, Field, Int32, Int64, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray } from 'apache-arrow';
import { mergeRows } from '../../src/delta/write/mergeRows';
import { updateRows } from '../../src/delta/write/updateRows';
import { writeTable } from '../../src/delta/write/writeTable';
import { encodeParquet } from '../../src/parquet/writeParquet';
import { requirePeerPython, runPeerScript } from '../helpers/peers';
import { runCliJson } from '../helpers/runCliCaptured';

function batch(names: string[], columns: Data[]): RecordBatch {
  const fields = columns.map((c, i) => new Field(names[i]!, c.type, true));
  return new RecordBatch(new Schema(fields), new Data(new Struct(fields), 0, columns[0]!.length, 0, undefined, columns));
}

const longs = (values: number[]): Data => makeData({ type: new Int64(), length: values.length, data: BigInt64Array.from(values, BigInt) });
const ints = (values: number[]): Data => makeData({ type: new Int32(), length: values.length, data: Int32Array.from(values) });
const texts = (values: string[]): Data => vectorFromArray(values, new Utf8()).data[0]!;
function cents(values: number[]): Data {
  const words = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    const u = BigInt.asUintN(128, BigInt(v));
    for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
  });
  return new Data(new Decimal(2, 10, 128), 0, values.length, 0, [undefined, words, undefined]);
}

test('MERGE with clause conditions (and from the CLI: repeated clauses, INSERT column lists) and UPDATE with expressions give the rows delta-rs gives on a copy', async (t) => {
  const python = requirePeerPython(t);
  if (!python) return;
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-merge-peers-'));
  try {
    const ours = join(root, 'ours');
    const theirs = join(root, 'theirs');
    const target = ['id', 'name', 'qty', 'price'];
    await writeTable(ours, [batch(target, [longs([1, 2, 3]), texts(['a', 'b', 'c']), ints([10, 20, 30]), cents([100, 1999, 300])])]);
    await writeTable(ours, [batch(target, [longs([4, 5, 6]), texts(['d', 'e', 'f']), ints([40, 50, 60]), cents([401, 500, 600])])], { mode: 'append' });
    await cp(ours, theirs, { recursive: true });
    const source = [batch(['id', 'qty', 'op'], [longs([1, 2, 3, 4, 7, 8]), ints([3, 5, 7, 1, 70, 80]), texts(['U', 'U', 'D', 'U', 'I', 'D'])])];
    const sourceFile = join(root, 'source.parquet');
    await writeFile(sourceFile, encodeParquet(source));

    const merged = await mergeRows(ours, source, {
      key: ['id'],
      matched: [
        { action: 'delete', condition: "s.op = 'D'" },
        { action: 'update', condition: 't.qty >= 20', set: { qty: 't.qty + s.qty', name: 'upper(t.name)', price: 't.price * 1.1' } },
      ],
      notMatched: [{ action: 'insert', condition: "s.op <> 'D'" }],
      notMatchedBySource: [{ action: 'delete', condition: 't.qty > 55' }],
    });
    await updateRows(ours, { qty: 'qty * 2 + 1', name: 'lower(name)', price: 'price + 0.005' }, { where: 'id <= 4' });
    // From the CLI: several clauses of each kind, first matching wins; inserts with column lists.
    const moves = [batch(['id', 'qty', 'op'], [longs([1, 2, 4, 9, 10, 11]), ints([5, 100, 0, 900, 10, -1]), texts(['U', 'U', 'D', 'I', 'I', 'I'])])];
    const movesFile = join(root, 'moves.parquet');
    await writeFile(movesFile, encodeParquet(moves));
    const cli = await runCliJson<Record<string, number>>(['merge', ours, '--source', movesFile, '--key', 'id',
      '--when-matched-delete', "s.op = 'D'",
      '--when-matched-update', 's.qty >= 100', '--set', "qty = s.qty, name = 'big'",
      '--when-matched-update', 'TRUE', '--set', 'qty = t.qty + s.qty',
      '--when-not-matched-insert', 's.qty >= 100', '--values', "id = s.id, qty = s.qty * 2, name = 'bulk'",
      '--when-not-matched-insert', 's.qty > 0', '--values', 'id = s.id, qty = s.qty',
      '--when-not-matched-by-source-update', 't.qty > 60', '--set', 'qty = t.qty - 1',
      '--when-not-matched-by-source-delete', 't.qty = 50']);

    const report = JSON.parse(await runPeerScript(python, 'checks/merge_conditions_deltars.py', [theirs, sourceFile, movesFile, ours])) as {
      theirs: string[]; ours: string[]; metrics: Record<string, number>; cliMetrics: Record<string, number>;
    };
    const counts = (metrics: Record<string, number>): number[] =>
      [metrics.num_target_rows_inserted, metrics.num_target_rows_updated, metrics.num_target_rows_deleted].map(Number);
    assert.deepEqual([merged.rowsInserted, merged.rowsUpdated, merged.rowsDeleted], counts(report.metrics));
    assert.deepEqual([cli.rowsInserted, cli.rowsUpdated, cli.rowsDeleted], [2, 3, 2]);
    assert.deepEqual([cli.rowsInserted, cli.rowsUpdated, cli.rowsDeleted], counts(report.cliMetrics));
    // Rounding half up to the column's scale shows: 19.99 * 1.1 = 21.989 -> 21.99, + 0.005 -> 22.00;
    // then the first matching update (s.qty >= 100) sets id 2, the unconditional one id 1.
    assert.deepEqual(report.ours, [
      '{"id":1,"name":"a","qty":26,"price":"1.01"}',
      '{"id":10,"name":null,"qty":10,"price":null}',
      '{"id":2,"name":"big","qty":100,"price":"22.00"}',
      '{"id":7,"name":null,"qty":69,"price":null}',
      '{"id":9,"name":"bulk","qty":1800,"price":null}',
    ], 'lines sort as text');
    assert.deepEqual(report.ours, report.theirs, 'our table and the table delta-rs changed read the same in delta-rs');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
