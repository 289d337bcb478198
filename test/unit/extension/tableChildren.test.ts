import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeltaTable } from '../../../src/delta/table';
import type { Snapshot } from '../../../src/delta/snapshot';
import {
  columnNodes, fileNodes, fileSectionNodes, nestedFields, propertyNodes, recordCount, MAX_LISTED_FILES,
} from '../../../src/extension/tree/tableChildren';
import { formatBytes } from '../../../src/util/formatBytes';
import { GOLDEN_DIR } from '../../../scripts/demo-lakehouse';
import type { AddFile } from '../../../src/delta/actions';

let dir: string;
let sales: Snapshot;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'table-children-'));
  execFileSync('tar', ['--zstd', '-xf', join(GOLDEN_DIR, 'dv-partitioned-with-checkpoint.tar.zst'), '-C', dir]);
  sales = await (await DeltaTable.open(join(dir, 'dv-partitioned-with-checkpoint', 'delta'))).snapshot();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('schema columns mark the partition column', () => {
  const columns = columnNodes('/t', sales.schema.fields, [], sales.partitionColumns);
  assert.deepEqual(columns.map((c) => [c.field.name, c.partition]), [['part', true], ['col1', false], ['col2', false]]);
});

test('files of a partitioned table are grouped by partition value, sorted, with their stats', () => {
  const groups = fileSectionNodes('/t', sales);
  assert.deepEqual(groups.map((g) => (g.kind === 'partition' ? g.label : g.kind)),
    ['part=0', 'part=1', 'part=2', 'part=3', 'part=4', 'part=5', 'part=6', 'part=7', 'part=8', 'part=9']);
  const part1 = groups[1];
  assert.ok(part1.kind === 'partition');
  assert.equal(part1.files.length, 2);
  const file = part1.files.find((f) => f.path.includes('d7e5d32a'));
  assert.ok(file);
  assert.equal(recordCount(file), 2);
  assert.equal(formatBytes(file.size), '732 B');
});

test('properties list the protocol, its features and the table configuration', () => {
  const properties = Object.fromEntries(propertyNodes('/t', sales).map((p) => [p.key, p.value]));
  assert.equal(properties['Reader version'], '3');
  assert.match(properties['Reader features'], /deletionVectors/);
  assert.equal(properties['delta.enableDeletionVectors'], 'true');
  assert.equal(properties['Partition columns'], 'part');
});

test('long file lists stop at MAX_LISTED_FILES with a line counting the rest', () => {
  const files: AddFile[] = Array.from({ length: MAX_LISTED_FILES + 3 }, (_, i) => ({
    path: `f${String(i).padStart(5, '0')}.parquet`, partitionValues: {}, size: 1024, modificationTime: 0, dataChange: true,
  }));
  const nodes = fileNodes('/t', files);
  assert.equal(nodes.length, MAX_LISTED_FILES + 1);
  const last = nodes[nodes.length - 1];
  assert.ok(last.kind === 'message');
  assert.equal(last.label, '3 more files (3.0 KiB)');
});

test('nested types expand to their fields; primitive arrays do not expand', () => {
  assert.deepEqual(nestedFields({ kind: 'array', elementType: { kind: 'primitive', name: 'long' }, containsNull: true }), []);
  const map = nestedFields({ kind: 'map', keyType: { kind: 'primitive', name: 'string' }, valueType: { kind: 'primitive', name: 'long' }, valueContainsNull: false });
  assert.deepEqual(map.map((f) => [f.name, f.nullable]), [['key', false], ['value', false]]);
});
