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

  test('--set splits on top-level commas only', () => {
    assert.deepEqual(parseAssignmentList("a = concat(b, ', ', c), d='x,y', e = coalesce(f, 1)", 'update'),
      { a: "concat(b, ', ', c)", d: "'x,y'", e: 'coalesce(f, 1)' });
  });
});
