import { Bool, Field, Int32, Int64, List, Map_, Schema, Struct, Utf8, type DataType } from 'apache-arrow';

/**
 * The Arrow form of the checkpoint schema ("Checkpoint Schema" in PROTOCOL.md): one nullable struct
 * column per action type, every row setting exactly one; checkpointMetadata and sidecar only occur
 * in V2 spec checkpoints, sidecar files hold only add and remove. partitionValues, tags,
 * configuration and format options are map<string,string>, as Spark writes them.
 */
function stringMap(): Map_ {
  return new Map_(new Field('key_value', new Struct([new Field('key', new Utf8(), false), new Field('value', new Utf8(), true)]), false));
}

function stringList(): List {
  return new List(new Field('element', new Utf8(), true));
}

function struct(fields: [string, DataType][]): Struct {
  return new Struct(fields.map(([name, type]) => new Field(name, type, true)));
}

const deletionVector = (): Struct => struct([
  ['storageType', new Utf8()], ['pathOrInlineDv', new Utf8()], ['offset', new Int32()],
  ['sizeInBytes', new Int32()], ['cardinality', new Int64()],
]);

export const CHECKPOINT_COLUMNS = {
  txn: struct([['appId', new Utf8()], ['version', new Int64()], ['lastUpdated', new Int64()]]),
  add: struct([
    ['path', new Utf8()], ['partitionValues', stringMap()], ['size', new Int64()], ['modificationTime', new Int64()],
    ['dataChange', new Bool()], ['stats', new Utf8()], ['tags', stringMap()], ['deletionVector', deletionVector()],
    ['baseRowId', new Int64()], ['defaultRowCommitVersion', new Int64()], ['clusteringProvider', new Utf8()],
  ]),
  remove: struct([
    ['path', new Utf8()], ['deletionTimestamp', new Int64()], ['dataChange', new Bool()], ['extendedFileMetadata', new Bool()],
    ['partitionValues', stringMap()], ['size', new Int64()], ['tags', stringMap()], ['deletionVector', deletionVector()],
    ['baseRowId', new Int64()], ['defaultRowCommitVersion', new Int64()],
  ]),
  metaData: struct([
    ['id', new Utf8()], ['name', new Utf8()], ['description', new Utf8()],
    ['format', struct([['provider', new Utf8()], ['options', stringMap()]])],
    ['schemaString', new Utf8()], ['partitionColumns', stringList()], ['configuration', stringMap()], ['createdTime', new Int64()],
  ]),
  protocol: struct([
    ['minReaderVersion', new Int32()], ['minWriterVersion', new Int32()], ['readerFeatures', stringList()], ['writerFeatures', stringList()],
  ]),
  domainMetadata: struct([['domain', new Utf8()], ['configuration', new Utf8()], ['removed', new Bool()]]),
  checkpointMetadata: struct([['version', new Int64()], ['tags', stringMap()]]),
  sidecar: struct([['path', new Utf8()], ['sizeInBytes', new Int64()], ['modificationTime', new Int64()], ['tags', stringMap()]]),
} as const;

export type CheckpointColumn = keyof typeof CHECKPOINT_COLUMNS;

export function checkpointSchema(columns: readonly CheckpointColumn[]): Schema {
  return new Schema(columns.map((name) => new Field(name, CHECKPOINT_COLUMNS[name], true)));
}
