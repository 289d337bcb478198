import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeltaError } from '../../../src/delta/errors';
import { primitive, type StructType } from '../../../src/delta/schema';
import { createTable } from '../../../src/delta/transaction/createTable';
import { SCHEMA } from './fixtures';
import { withTempDir } from '../../helpers/withTempDir';

const NESTED: StructType = {
  kind: 'struct',
  fields: [
    { name: 'id', type: primitive('long'), nullable: false, metadata: {} },
    { name: 'point', type: { kind: 'struct', fields: [
      { name: 'x', type: primitive('double'), nullable: true, metadata: {} },
      { name: 'y', type: primitive('double'), nullable: true, metadata: {} },
    ] }, nullable: true, metadata: {} },
  ],
};

test('the protocol is the smallest that has the features the table needs', async () => {
  const cases: [Record<string, string>, StructType, unknown][] = [
    [{}, SCHEMA, { minReaderVersion: 1, minWriterVersion: 2 }],
    [{ 'delta.constraints.positive': 'id > 0' }, SCHEMA, { minReaderVersion: 1, minWriterVersion: 3 }],
    [{ 'delta.enableChangeDataFeed': 'true' }, SCHEMA, { minReaderVersion: 1, minWriterVersion: 4 }],
    [{ 'delta.columnMapping.mode': 'name' }, SCHEMA, { minReaderVersion: 2, minWriterVersion: 5 }],
    [{ 'delta.enableDeletionVectors': 'true' }, SCHEMA,
      { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors', 'invariants'] }],
    [{ 'delta.enableDeletionVectors': 'true', 'delta.columnMapping.mode': 'name', 'delta.appendOnly': 'true' }, SCHEMA,
      { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['columnMapping', 'deletionVectors'], writerFeatures: ['appendOnly', 'columnMapping', 'deletionVectors', 'invariants'] }],
    [{}, { kind: 'struct', fields: [{ name: 'at', type: primitive('timestamp_ntz'), nullable: true, metadata: {} }] },
      { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] }],
    [{ 'delta.minWriterVersion': '4' }, SCHEMA, { minReaderVersion: 1, minWriterVersion: 4 }],
  ];
  for (const [properties, schema, expected] of cases) {
    await withTempDir('lakehouse-tx-', async (dir) => {
      const { table } = await createTable(dir, { schema, properties });
      const snapshot = await table.snapshot();
      assert.deepEqual(snapshot.protocol, expected, JSON.stringify(properties));
      assert.ok(!('delta.minWriterVersion' in snapshot.properties), 'protocol-only properties are not stored');
    });
  }
});

test('column mapping name mode gives every field, nested ones too, an id and a physical name', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: NESTED, properties: { 'delta.columnMapping.mode': 'name' } });
    const snapshot = await table.snapshot();
    assert.equal(snapshot.columnMappingMode, 'name');
    const fields = [snapshot.schema.fields[0], snapshot.schema.fields[1], ...(snapshot.schema.fields[1]?.type.kind === 'struct' ? snapshot.schema.fields[1].type.fields : [])];
    assert.deepEqual(fields.map((f) => f?.metadata['delta.columnMapping.id']), [1, 2, 3, 4]);
    const names = fields.map((f) => f?.metadata['delta.columnMapping.physicalName']);
    for (const name of names) assert.match(String(name), /^col-[0-9a-f-]{36}$/);
    assert.equal(new Set(names).size, 4);
    assert.equal(snapshot.properties['delta.columnMapping.maxColumnId'], '4');
  });
});

test('bad specs are refused with a message naming the problem', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await assert.rejects(createTable(dir, { schema: SCHEMA, partitionColumns: ['nope'] }), (e) => isDeltaError(e, 'DELTA_INVALID_SCHEMA') && /"nope"/.test((e as Error).message));
    await assert.rejects(createTable(dir, { schema: SCHEMA, properties: { 'delta.columnMapping.mode': 'names' } }), (e) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT'));
    const duplicate: StructType = { kind: 'struct', fields: [...SCHEMA.fields, { name: 'ID', type: primitive('long'), nullable: true, metadata: {} }] };
    await assert.rejects(createTable(dir, { schema: duplicate }), (e) => isDeltaError(e, 'DELTA_INVALID_SCHEMA'));
  });
});
