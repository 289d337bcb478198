import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalNdjson } from '../helpers/canonicalNdjson';
import { findPeerPython, runPeerScript } from '../helpers/peers';
import { runCliCaptured } from '../helpers/runCliCaptured';

describe('lakehouse import: tables delta-rs reads identically', () => {
  const python = findPeerPython();
  let root = '';
  before(() => { root = mkdtempSync(join(tmpdir(), 'lakehouse-import-interop-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('CSV with quoted newlines, BOM, decimals, timestamps and partitions; NDJSON with nested values', async (t) => {
    if (!python) return t.skip('missing peer: no Python with deltalake (.venv or LAKEHOUSE_PYTHON)');
    const csv = join(root, 'sales.csv');
    writeFileSync(csv, '\ufeffid,region,amount,at,note\r\n1,eu,10.05,2024-03-01T10:00:00.123456Z,"line1\r\nline2"\r\n2,us,-0.50,2024-03-02 00:00:00,\r\n3,eu,99999.99,2024-03-03T23:59:59+02:00,"say ""hi"""\r\n');
    const csvTable = join(root, 'sales');
    const imported = await runCliCaptured(['import', csv, '--to', csvTable, '--schema', 'amount decimal(7,2)', '--partition-by', 'region', '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((JSON.parse(imported.stdout) as { rowsImported: number }).rowsImported, 3);

    const ndjson = join(root, 'events.ndjson');
    writeFileSync(ndjson, '{"id": 1, "user": {"name": "a", "langs": ["fr", "en"]}, "n": 9007199254740993}\n{"id": 2, "user": null, "n": null}\n');
    const jsonTable = join(root, 'events');
    const second = await runCliCaptured(['import', ndjson, '--to', jsonTable]);
    assert.equal(second.code, 0, second.stderr);

    for (const table of [csvTable, jsonTable]) {
      const ours = await runCliCaptured(['scan', table, '--format', 'ndjson']);
      assert.equal(ours.code, 0, ours.stderr);
      const theirs = await runPeerScript(python, 'dump_rows.py', ['deltars', table]);
      assert.deepEqual(canonicalNdjson(theirs), canonicalNdjson(ours.stdout));
    }
    const csvRows = canonicalNdjson((await runCliCaptured(['scan', csvTable, '--format', 'ndjson', '--columns', 'id,amount,at,note'])).stdout);
    assert.deepEqual(csvRows, [
      '{"id":1,"amount":"10.05","at":"2024-03-01T10:00:00.123456Z","note":"line1\\r\\nline2"}',
      '{"id":2,"amount":"-0.50","at":"2024-03-02T00:00:00.000000Z","note":null}',
      '{"id":3,"amount":"99999.99","at":"2024-03-03T21:59:59.000000Z","note":"say \\"hi\\""}',
    ]);
    const jsonRows = canonicalNdjson((await runCliCaptured(['scan', jsonTable, '--format', 'ndjson'])).stdout);
    assert.deepEqual(jsonRows, [
      '{"id":1,"user":{"name":"a","langs":["fr","en"]},"n":"9007199254740993"}',
      '{"id":2,"user":null,"n":null}',
    ]);
  });
});
