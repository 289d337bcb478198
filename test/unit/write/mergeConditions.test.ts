import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Data, Decimal, Field, Int32, Int64, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray } from 'apache-arrow';
import { writeTable } from '../../../src/delta/write/writeTable';
import { mergeRows } from '../../../src/delta/write/mergeRows';
import { updateRows } from '../../../src/delta/write/updateRows';
import { DeltaTable } from '../../../src/delta/table';
import { tableChanges } from '../../../src/delta/changes/tableChanges';
import { isDeltaError } from '../../../src/delta/errors';
import { readRows, withTempTable } from './helpers';
import { toPlainRows } from './plainRows';

/** Rows of (id long, name string, qty int, price decimal(10,2)); a price is cents, null for NULL. */
function items(rows: Array<[number, string | null, number | null, number | null]>): RecordBatch {
  const n = rows.length;
  const bits = (present: (i: number) => boolean): Uint8Array => {
    const out = new Uint8Array(Math.ceil(n / 8));
    for (let i = 0; i < n; i++) if (present(i)) out[i >> 3]! |= 1 << (i & 7);
    return out;
  };
  const words = new Uint32Array(n * 4);
  rows.forEach(([, , , cents], i) => {
    const value = BigInt.asUintN(128, BigInt(cents ?? 0));
    for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((value >> BigInt(32 * w)) & 0xffffffffn);
  });
  const nullsOf = (k: 2 | 3): number => rows.filter((r) => r[k] === null).length;
  const children = [
    makeData({ type: new Int64(), length: n, data: BigInt64Array.from(rows, (r) => BigInt(r[0])) }),
    vectorFromArray(rows.map((r) => r[1]), new Utf8()).data[0]!,
    makeData({ type: new Int32(), length: n, nullCount: nullsOf(2), nullBitmap: bits((i) => rows[i]![2] !== null), data: Int32Array.from(rows, (r) => r[2] ?? 0) }),
    new Data(new Decimal(2, 10, 128), 0, n, nullsOf(3), [undefined, words, bits((i) => rows[i]![3] !== null)]),
  ];
  const fields = [new Field('id', new Int64(), false), new Field('name', new Utf8(), true), new Field('qty', new Int32(), true), new Field('price', new Decimal(2, 10, 128), true)];
  return new RecordBatch(new Schema(fields), new Data(new Struct(fields), 0, n, 0, undefined, children));
}

/** Source rows (id long, qty int, op string). */
function changes(rows: Array<[number, number, string]>): RecordBatch[] {
  const fields = [new Field('id', new Int64(), false), new Field('qty', new Int32(), true), new Field('op', new Utf8(), true)];
  const children = [
    makeData({ type: new Int64(), length: rows.length, data: BigInt64Array.from(rows, (r) => BigInt(r[0])) }),
    makeData({ type: new Int32(), length: rows.length, data: Int32Array.from(rows, (r) => r[1]) }),
    vectorFromArray(rows.map((r) => r[2]), new Utf8()).data[0]!,
  ];
  return [new RecordBatch(new Schema(fields), new Data(new Struct(fields), 0, rows.length, 0, undefined, children))];
}

async function seed(dir: string, properties: Record<string, string>): Promise<void> {
  await writeTable(dir, [items([[1, 'a', 10, 100], [2, 'b', 20, 200], [3, 'c', 30, 300]])], { properties });
  await writeTable(dir, [items([[4, 'd', 40, 400], [5, 'e', 50, 500], [6, 'f', 60, 600]])], { mode: 'append' });
}

const CHANGE_ORDER = ['delete', 'insert', 'update_preimage', 'update_postimage'];

async function changeRows(dir: string, version: number): Promise<Array<Record<string, unknown>>> {
  const feed = await tableChanges(await DeltaTable.open(dir), { fromVersion: version, toVersion: version });
  const rows: Array<Record<string, unknown>> = [];
  for await (const batch of feed.batches()) rows.push(...toPlainRows(batch));
  return rows.map((r) => ({ id: r.id, qty: r.qty, type: r._change_type }))
    .sort((a, b) => Number(a.id) - Number(b.id) || CHANGE_ORDER.indexOf(String(a.type)) - CHANGE_ORDER.indexOf(String(b.type)));
}

const view = (rows: Array<Record<string, unknown>>): unknown[] => rows.map((r) => [r.id, r.name, r.qty, r.price]);

for (const dvs of [false, true]) {
  describe(`MERGE and UPDATE with conditions and expressions, ${dvs ? 'deletion vectors' : 'copy-on-write'}`, () => {
    const properties: Record<string, string> = { 'delta.enableChangeDataFeed': 'true', ...(dvs ? { 'delta.enableDeletionVectors': 'true' } : {}) };

    test('every clause kind, conditions on source and target columns, first matching clause wins', async () => {
      await withTempTable(async (dir) => {
        await seed(dir, properties);
        const summary = await mergeRows(dir, changes([[1, 3, 'U'], [2, 5, 'U'], [3, 7, 'D'], [4, 1, 'U'], [7, 70, 'I'], [8, 80, 'D']]), {
          key: ['id'],
          matched: [
            { action: 'delete', condition: "s.op = 'D'" },
            // Target condition: id 1 (qty 10) matches but no clause applies, so it stays as it is.
            { action: 'update', condition: 't.qty >= 20', set: { qty: 't.qty + s.qty', name: 'upper(t.name)', price: 'price * 1.1' } },
          ],
          notMatched: [{ action: 'insert', condition: "s.op <> 'D'" }],
          notMatchedBySource: [{ action: 'delete', condition: 't.qty > 55' }],
        });
        assert.deepEqual([summary.version, summary.rowsInserted, summary.rowsUpdated, summary.rowsDeleted], [2, 1, 2, 2]);
        assert.deepEqual(view(await readRows(dir, 'id')), [
          [1n, 'a', 10, '1.00'],
          [2n, 'B', 25, '2.20'],
          [4n, 'D', 41, '4.40'],
          [5n, 'e', 50, '5.00'],
          [7n, null, 70, null],
        ]);
        assert.deepEqual(await changeRows(dir, 2), [
          { id: 2n, qty: 20, type: 'update_preimage' }, { id: 2n, qty: 25, type: 'update_postimage' },
          { id: 3n, qty: 30, type: 'delete' },
          { id: 4n, qty: 40, type: 'update_preimage' }, { id: 4n, qty: 41, type: 'update_postimage' },
          { id: 6n, qty: 60, type: 'delete' },
          { id: 7n, qty: 70, type: 'insert' },
        ]);
        const table = await DeltaTable.open(dir);
        assert.equal((await table.snapshot()).files().some((f) => f.deletionVector), dvs);
        const history = await table.history();
        const metrics = history.find((h) => h.version === 2)?.operationMetrics ?? {};
        assert.deepEqual([metrics.numTargetRowsMatchedDeleted, metrics.numTargetRowsNotMatchedBySourceDeleted, metrics.numTargetRowsMatchedUpdated], ['1', '1', '2']);
      });
    });

    test('UPDATE SET * from the source when matched, then a later delete clause is not reached', async () => {
      await withTempTable(async (dir) => {
        await seed(dir, properties);
        const summary = await mergeRows(dir, changes([[5, 99, 'U'], [6, 1, 'U']]), {
          key: ['id'],
          matched: [{ action: 'update', condition: "s.qty > t.qty AND s.op = 'U'" }, { action: 'delete' }],
          notMatched: [],
        });
        assert.deepEqual([summary.rowsUpdated, summary.rowsDeleted, summary.rowsInserted], [1, 1, 0]);
        // SET *: the source has no name or price, so the updated row has NULLs there.
        assert.deepEqual(view(await readRows(dir, 'id')), [[1n, 'a', 10, '1.00'], [2n, 'b', 20, '2.00'], [3n, 'c', 30, '3.00'], [4n, 'd', 40, '4.00'], [5n, null, 99, null]]);
      });
    });

    test('not matched by source UPDATE with SET, and a composite key (string index)', async () => {
      await withTempTable(async (dir) => {
        await seed(dir, properties);
        const bySource = await mergeRows(dir, changes([[1, 0, 'U'], [2, 0, 'U']]), {
          key: ['id'],
          matched: [],
          notMatched: [],
          notMatchedBySource: [{ action: 'update', condition: 'qty < 50', set: { qty: '-qty', name: "coalesce(name, '') || '?'" } }],
        });
        assert.deepEqual([bySource.rowsUpdated, bySource.rowsDeleted, bySource.rowsInserted], [2, 0, 0]);
        await assert.rejects(mergeRows(dir, changes([[1, 0, 'U']]), { key: ['id'], notMatchedBySource: [{ action: 'update', set: { qty: 's.qty' } }] }),
          (e) => isDeltaError(e, 'DELTA_INVALID_EXPRESSION') && /this clause has no source row/.test(e.message));
        // Key (id, name): only id 5 with name 'e' matches; (6, 'x') has no partner and is inserted.
        const composite = await mergeRows(dir, [items([[5, 'e', 55, 555], [6, 'x', 66, 666]])], { key: ['id', 'name'] });
        assert.deepEqual([composite.rowsUpdated, composite.rowsInserted], [1, 1]);
        assert.deepEqual(view(await readRows(dir, 'id')).map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))).sort(), [
          '[1,"a",10,"1.00"]', '[2,"b",20,"2.00"]', '[3,"c?",-30,"3.00"]', '[4,"d?",-40,"4.00"]', '[5,"e",55,"5.55"]', '[6,"f",60,"6.00"]', '[6,"x",66,"6.66"]',
        ]);
      });
    });

    test('two source rows matching one target row: an error with a stable code, nothing committed', async () => {
      await withTempTable(async (dir) => {
        await seed(dir, properties);
        await assert.rejects(mergeRows(dir, changes([[2, 1, 'U'], [2, 2, 'U']]), { key: ['id'], deleteWhen: "op = 'D'" }),
          (e) => isDeltaError(e, 'DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE') && /key id = 2/.test(e.message));
        // Duplicate keys that match no target row are no conflict: both rows are inserted, as in Spark.
        const unmatched = await mergeRows(dir, changes([[9, 1, 'I'], [9, 2, 'I']]), { key: ['id'], deleteWhen: "op = 'D'" });
        assert.equal(unmatched.rowsInserted, 2);
        assert.equal((await (await DeltaTable.open(dir)).history()).length, 3);
      });
    });

    test('UPDATE with expressions: decimals exact, NULLs stay NULL, overflow commits nothing', async () => {
      await withTempTable(async (dir) => {
        await writeTable(dir, [items([[1, 'a', 10, 1999], [2, null, null, null], [3, 'c', 2147483000, 5]])], { properties });
        const summary = await updateRows(dir, { price: 'price * 1.1', name: "upper(name) || '!'", qty: 'qty + 1' }, { where: 'id <= 2' });
        assert.equal(summary.rowsAdded, 2);
        assert.deepEqual(view(await readRows(dir, 'id')), [[1n, 'A!', 11, '21.99'], [2n, null, null, null], [3n, 'c', 2147483000, '0.05']]);
        assert.deepEqual(await changeRows(dir, 1), [
          { id: 1n, qty: 10, type: 'update_preimage' }, { id: 1n, qty: 11, type: 'update_postimage' },
          { id: 2n, qty: null, type: 'update_preimage' }, { id: 2n, qty: null, type: 'update_postimage' },
        ]);
        await assert.rejects(updateRows(dir, { qty: 'qty * 2' }), (e) => isDeltaError(e, 'DELTA_ARITHMETIC_OVERFLOW') && /4294966000 is out of the range of integer/.test(e.message));
        await assert.rejects(updateRows(dir, { qty: "name" }), (e) => isDeltaError(e, 'DELTA_INVALID_EXPRESSION') && /qty is integer: expected a numeric expression, found string/.test(e.message));
        assert.equal((await (await DeltaTable.open(dir)).history()).length, 2);
        // A WHERE beyond column-op-literal is an expression condition (every row evaluated).
        await assert.rejects(updateRows(dir, { name: "'big'" }, { where: 'qty * 2 > 100' }), (e) => isDeltaError(e, 'DELTA_ARITHMETIC_OVERFLOW'));
        const byExpression = await updateRows(dir, { name: "'big'" }, { where: 'CAST(qty AS bigint) * 2 > 100 OR id = price * 100' });
        assert.equal(byExpression.rowsAdded, 1);
        assert.deepEqual((await readRows(dir, 'id')).map((r) => r.name), ['A!', null, 'big']);
      });
    });
  });
}
