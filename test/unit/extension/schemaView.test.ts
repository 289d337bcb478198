import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchemaString } from '../../../src/delta/schema';
import { schemaView } from '../../../src/extension/schema/schemaView';

const schema = parseSchemaString(JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: { 'delta.columnMapping.id': 1, 'delta.columnMapping.physicalName': 'col-a' } },
    { name: 'part', type: 'string', nullable: true, metadata: { 'delta.columnMapping.id': 2, 'delta.columnMapping.physicalName': 'col-b' } },
    { name: 'flag', type: 'boolean', nullable: true, metadata: { 'delta.columnMapping.id': 3, 'delta.columnMapping.physicalName': 'col-c' } },
    { name: 'address', type: { type: 'struct', fields: [
      { name: 'city', type: 'string', nullable: true, metadata: { 'delta.columnMapping.id': 5, 'delta.columnMapping.physicalName': 'col-e' } },
    ] }, nullable: true, metadata: { 'delta.columnMapping.id': 4, 'delta.columnMapping.physicalName': 'col-d' } },
    { name: 'year', type: 'integer', nullable: true, metadata: {
      'delta.columnMapping.id': 6, 'delta.columnMapping.physicalName': 'col-f', 'delta.generationExpression': 'YEAR(ts)',
    } },
  ],
}));

test('columns carry mapping ids, physical names, generation expressions and stats coverage', () => {
  const view = schemaView({
    version: 3, schema, partitionColumns: ['part'], columnMappingMode: 'name',
    properties: { 'delta.dataSkippingNumIndexedCols': '3', 'delta.constraints.positive': 'id > 0' },
  }, 't');
  const byPath = Object.fromEntries(view.columns.map((c) => [c.path.join('.'), c]));
  assert.deepEqual(Object.keys(byPath), ['id', 'part', 'flag', 'address', 'address.city', 'year']);
  assert.deepEqual([byPath.id?.mappingId, byPath.id?.physicalName, byPath.id?.nullable], [1, 'col-a', false]);
  // Leaves in files, in order: id, flag, address.city, year; the first three have stats.
  assert.deepEqual(view.columns.map((c) => c.stats), ['minMax', 'partition', 'nullCount', 'none', 'minMax', 'none']);
  assert.equal(byPath.year?.generationExpression, 'YEAR(ts)');
  assert.deepEqual(view.constraints, [{ name: 'positive', expression: 'id > 0' }]);
  assert.match(view.statsRule, /first 3 leaf columns/);
});
