import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseAssignmentList } from '../../../src/cli/commands/assignmentList';
import { useTempDir } from '../../helpers/withTempDir';
import { runCliCaptured, runCliJson } from '../../helpers/runCliCaptured';

/** The counts a write command prints with --json. */
type Counts = Record<string, number>;

interface Row { id: number; name: string | null; qty: number | null }

describe('lakehouse merge clauses and update expressions', () => {
  const tmp = useTempDir('lakehouse-cli-merge-');
  let table = '';
  const rows = async (): Promise<Array<[number, string | null, number | null]>> => {
    const { code, stdout, stderr } = await runCliCaptured(['scan', table, '--format', 'ndjson']);
    assert.equal(code, 0, stderr);
    return stdout.trim().split('\n').map((l) => JSON.parse(l) as Row).sort((a, b) => a.id - b.id).map((r) => [r.id, r.name, r.qty]);
  };
  before(() => {
    table = join(tmp.dir, 'stock');
  });

  test('update --set with expressions; merge with ordered clauses, --set and not-matched-by-source delete', async () => {
    await runCliJson<Counts>(['create', table, '--schema', 'id long not null, name string, qty int']);
    await runCliJson<Counts>(['write', table, '--from', tmp.file('seed.csv', 'id,name,qty\n1,apple,10\n2,pear,20\n3,plum,30\n4,fig,40\n')]);
    const updated = await runCliJson<Counts>(['update', table, '--set', "qty = qty * 2 + 1, name = concat(upper(name), '-', id)", '--where', 'id >= 3']);
    assert.equal(updated.rowsUpdated, 2);
    assert.deepEqual(await rows(), [[1, 'apple', 10], [2, 'pear', 20], [3, 'PLUM-3', 61], [4, 'FIG-4', 81]]);

    const source = tmp.file('moves.ndjson', [
      '{"id":1,"qty":5,"op":"U"}', '{"id":2,"qty":1,"op":"D"}', '{"id":3,"qty":-1,"op":"U"}', '{"id":7,"qty":70,"op":"I"}', '{"id":8,"qty":80,"op":"D"}',
    ].join('\n'));
    // The delete clause comes first on the command line, so it wins for id 2.
    const merged = await runCliJson<Counts>(['merge', table, '--source', source, '--key', 'id',
      '--when-matched-delete', "s.op = 'D'", '--when-matched-update', 's.qty > 0', '--set', 'qty = t.qty + s.qty',
      '--when-not-matched-insert', "s.op <> 'D'", '--when-not-matched-by-source-delete', 't.qty > 80']);
    assert.deepEqual([merged.rowsInserted, merged.rowsUpdated, merged.rowsDeleted], [1, 1, 2]);
    assert.deepEqual(await rows(), [[1, 'apple', 15], [3, 'PLUM-3', 61], [7, null, 70]]);
  });

  test('errors: a type mismatch names column and types (exit 2, table unchanged)', async () => {
    const result = await runCliCaptured(['update', table, '--set', "qty = name || 'x'"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /DELTA_INVALID_EXPRESSION/);
    assert.match(result.stderr, /qty is integer: expected a numeric expression, found string/);
    assert.deepEqual(await rows(), [[1, 'apple', 15], [3, 'PLUM-3', 61], [7, null, 70]]);
  });

  test('merge: repeated clauses of each kind in command-line order, INSERT column lists, by-source update', async () => {
    const stock = join(tmp.dir, 'stock-clauses');
    await runCliJson<Counts>(['create', stock, '--schema', 'id long not null, name string, qty int']);
    await runCliJson<Counts>(['write', stock, '--from', tmp.file('stock-seed.csv', 'id,name,qty\n1,apple,10\n2,pear,20\n3,plum,30\n4,fig,40\n')]);
    const source = tmp.file('stock-moves.ndjson', [
      '{"id":1,"name":"A","qty":5}', '{"id":2,"name":"P","qty":-20}', '{"id":3,"name":"L","qty":500}',
      '{"id":7,"name":"big","qty":700}', '{"id":8,"name":"small","qty":8}', '{"id":9,"name":"none","qty":0}',
    ].join('\n'));
    const merged = await runCliJson<Counts>(['merge', stock, '--source', source, '--key', 'id',
      '--when-matched-update', 's.qty > 100', '--set', "name = concat(t.name, '!'), qty = s.qty",
      '--when-matched-delete', 't.qty + s.qty <= 0',
      '--when-matched-update', 'TRUE', '--set', 'qty = t.qty + s.qty',
      '--when-not-matched-insert', 's.qty >= 100', '--values', 'id = s.id, name = upper(s.name), qty = s.qty * 2',
      '--when-not-matched-insert', 's.qty > 0', '--values', 'id = s.id',
      '--when-not-matched-by-source-update', 'TRUE', '--set', 'qty = 0']);
    assert.deepEqual([merged.rowsInserted, merged.rowsUpdated, merged.rowsDeleted], [2, 3, 1]);
    const read = async (): Promise<Array<[number, string | null, number | null]>> => {
      const { stdout } = await runCliCaptured(['scan', stock, '--format', 'ndjson']);
      return stdout.trim().split('\n').map((l) => JSON.parse(l) as Row).sort((a, b) => a.id - b.id).map((r) => [r.id, r.name, r.qty]);
    };
    // 3 takes the first update (qty > 100), 1 the last; 2 is deleted; 7 and 8 are inserted by
    // different clauses (8 with only its id), 9 by none; 4 has no source row.
    assert.deepEqual(await read(), [[1, 'apple', 15], [3, 'plum!', 500], [4, 'fig', 0], [7, 'BIG', 1400], [8, null, null]]);
  });

  test('merge errors: a NOT NULL column an insert leaves out, a condition-less clause before another, --values after a non-insert clause', async () => {
    const stock = join(tmp.dir, 'stock-clauses');
    const source = tmp.file('stock-errors.ndjson', '{"id":20,"name":"x","qty":1}');
    const base = ['merge', stock, '--source', source, '--key', 'id'];
    const missing = await runCliCaptured([...base, '--when-not-matched-insert', 'TRUE', '--values', 'name = s.name, qty = s.qty']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /DELTA_MISSING_NOT_NULL_COLUMN_VALUE/);
    assert.match(missing.stderr, /no value for id, which is NOT NULL/);
    const unreachable = await runCliCaptured([...base, '--when-matched-update', 'TRUE', '--when-matched-delete', 's.qty = 1']);
    assert.equal(unreachable.code, 2, unreachable.stderr);
    assert.match(unreachable.stderr, /WHEN MATCHED update clause has no condition but is not the last WHEN MATCHED clause/);
    const misplaced = await runCliCaptured([...base, '--when-matched-delete', 's.qty = 1', '--values', 'id = s.id']);
    assert.equal(misplaced.code, 2, misplaced.stderr);
    assert.match(misplaced.stderr, /--values gives the values of the --when-not-matched-insert clause right before it; here it follows --when-matched-delete/);
    const { stdout } = await runCliCaptured(['scan', stock, '--format', 'ndjson']);
    assert.equal(stdout.trim().split('\n').length, 5, 'the table is unchanged');
  });

  test('--set splits on top-level commas only', () => {
    assert.deepEqual(parseAssignmentList("a = concat(b, ', ', c), d='x,y', e = coalesce(f, 1)", 'update'),
      { a: "concat(b, ', ', c)", d: "'x,y'", e: 'coalesce(f, 1)' });
  });
});
