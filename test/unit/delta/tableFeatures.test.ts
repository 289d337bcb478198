import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertReadable, assertWritable } from '../../../src/delta/tableFeatures';
import { parseSchemaString } from '../../../src/delta/schema';
import { DeltaError } from '../../../src/delta/errors';

const protocol = { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors', 'variantType'] };
const plain = parseSchemaString('{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}');
const nestedVariant = parseSchemaString('{"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[{"name":"v","type":"variant","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]}');

test('variantType on a table without variant columns (as delta-rs writes it) does not block writes', () => {
  assert.doesNotThrow(() => assertWritable(protocol, plain));
});

test('variantType with a variant column, or without a schema to check, is refused by name', () => {
  for (const schema of [nestedVariant, undefined]) {
    assert.throws(() => assertWritable(protocol, schema), (error: unknown) =>
      error instanceof DeltaError && error.code === 'DELTA_UNSUPPORTED_WRITER_FEATURE' && /"variantType"/.test(error.message));
  }
});

test('an unknown reader feature is refused by name', () => {
  assert.throws(() => assertReadable({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['futureThing'], writerFeatures: [] }),
    (error: unknown) => error instanceof DeltaError && error.code === 'DELTA_UNSUPPORTED_READER_FEATURE' && /"futureThing"/.test(error.message));
});
