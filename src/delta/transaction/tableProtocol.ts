import type { Metadata, Protocol } from '../actions';
import { hasFeature } from '../tableFeatures';
import { parseSchemaString, type DataType, type StructType } from '../schema';

/** Features that readers must understand too; the others only bind writers ("Table Features"). */
const READER_WRITER_FEATURES: ReadonlySet<string> = new Set([
  'columnMapping', 'deletionVectors', 'timestampNtz', 'v2Checkpoint', 'typeWidening', 'typeWidening-preview',
  'vacuumProtocolCheck', 'variantType', 'variantType-preview',
]);

/** The legacy writer version that implies each pre-table-features feature. */
const LEGACY_WRITER_VERSION: Readonly<Record<string, number>> = {
  appendOnly: 2, invariants: 2, checkConstraints: 3, changeDataFeed: 4, generatedColumns: 4, columnMapping: 5, identityColumns: 6,
};

const FEATURE_PROPERTY_PREFIX = 'delta.feature.';

/** The features a table with this metadata needs, from its properties and schema. */
export function featuresNeededBy(metadata: Pick<Metadata, 'configuration' | 'schemaString'>): Set<string> {
  const config = metadata.configuration ?? {};
  const on = (key: string): boolean => config[key]?.toLowerCase() === 'true';
  const needed = new Set<string>();
  if (on('delta.appendOnly')) needed.add('appendOnly');
  if (Object.keys(config).some((k) => k.startsWith('delta.constraints.'))) needed.add('checkConstraints');
  if (on('delta.enableChangeDataFeed')) needed.add('changeDataFeed');
  const mode = config['delta.columnMapping.mode'];
  if (mode === 'name' || mode === 'id') needed.add('columnMapping');
  if (on('delta.enableDeletionVectors')) needed.add('deletionVectors');
  if (on('delta.enableInCommitTimestamps')) needed.add('inCommitTimestamp');
  if (on('delta.enableRowTracking')) needed.add('rowTracking');
  if (on('delta.enableTypeWidening')) needed.add('typeWidening');
  if (config['delta.checkpointPolicy'] === 'v2') needed.add('v2Checkpoint');
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(FEATURE_PROPERTY_PREFIX) && (value === 'supported' || value === 'enabled')) {
      needed.add(key.slice(FEATURE_PROPERTY_PREFIX.length));
    }
  }
  if (metadata.schemaString) collectSchemaFeatures(parseSchemaString(metadata.schemaString), needed);
  // Row tracking keeps its high water mark in a metadata domain ("Row Tracking", Enablement).
  if (needed.has('rowTracking')) needed.add('domainMetadata');
  return needed;
}

function collectSchemaFeatures(type: DataType, needed: Set<string>): void {
  switch (type.kind) {
    case 'primitive':
      if (type.name === 'timestamp_ntz') needed.add('timestampNtz');
      if (type.name === 'variant') needed.add('variantType');
      return;
    case 'decimal':
      return;
    case 'array':
      collectSchemaFeatures(type.elementType, needed);
      return;
    case 'map':
      collectSchemaFeatures(type.keyType, needed);
      collectSchemaFeatures(type.valueType, needed);
      return;
    case 'struct':
      collectStructFeatures(type, needed);
  }
}

function collectStructFeatures(struct: StructType, needed: Set<string>): void {
  for (const field of struct.fields) {
    // Spark counts NOT NULL columns as invariants (Invariants.getFromSchema) and refuses a table
    // whose protocol lacks the feature then (DELTA_FEATURES_PROTOCOL_METADATA_MISMATCH).
    if (!field.nullable || 'delta.invariants' in field.metadata) needed.add('invariants');
    if ('delta.generationExpression' in field.metadata) needed.add('generatedColumns');
    if ('delta.identity.start' in field.metadata) needed.add('identityColumns');
    collectSchemaFeatures(field.type, needed);
  }
}

/** Every feature a protocol has, whether listed explicitly or implied by legacy versions. */
export function protocolFeatures(protocol: Protocol): Set<string> {
  const features = new Set([...(protocol.readerFeatures ?? []), ...(protocol.writerFeatures ?? [])]);
  if (protocol.minWriterVersion < 7) {
    for (const [feature, version] of Object.entries(LEGACY_WRITER_VERSION)) {
      if (protocol.minWriterVersion >= version) features.add(feature);
    }
  }
  return features;
}

/**
 * The smallest protocol that has these features: legacy versions (at least (1,2), like Spark) when
 * every feature predates table features, else writer version 7 listing them all, with reader
 * version 3 only when a reader-writer feature other than columnMapping needs it.
 */
export function protocolForFeatures(features: Iterable<string>, floor: Partial<Protocol> = {}): Protocol {
  const all = new Set(features);
  const legacyOnly = [...all].every((f) => f in LEGACY_WRITER_VERSION) && (floor.minWriterVersion ?? 0) < 7;
  if (legacyOnly) {
    const writer = Math.max(2, floor.minWriterVersion ?? 0, ...[...all].map((f) => LEGACY_WRITER_VERSION[f] ?? 0));
    for (const [feature, version] of Object.entries(LEGACY_WRITER_VERSION)) if (writer >= version) all.add(feature);
    const reader = Math.max(all.has('columnMapping') ? 2 : 1, Math.min(floor.minReaderVersion ?? 1, 2));
    return { minReaderVersion: reader, minWriterVersion: writer };
  }
  const readerFeatures = [...all].filter((f) => READER_WRITER_FEATURES.has(f)).sort();
  const needsReaderFeatures = readerFeatures.some((f) => f !== 'columnMapping') || (floor.minReaderVersion ?? 1) >= 3;
  const writerFeatures = [...all].sort();
  if (needsReaderFeatures) return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures };
  return { minReaderVersion: readerFeatures.length > 0 ? 2 : Math.min(floor.minReaderVersion ?? 1, 2), minWriterVersion: 7, writerFeatures };
}

/**
 * The protocol a commit needs after a metadata change: the current one when it already has every
 * needed feature (a protocol is never downgraded), otherwise the smallest upgrade that keeps every
 * feature the table had.
 */
export function upgradeProtocol(current: Protocol, needed: Iterable<string>): Protocol {
  const missing = [...needed].filter((f) => !hasFeature(current, f));
  if (missing.length === 0) return current;
  return protocolForFeatures([...protocolFeatures(current), ...missing], current);
}

/** Properties that only ask for protocol features; Spark keeps them out of the stored configuration. */
export function isProtocolProperty(key: string): boolean {
  return key.startsWith(FEATURE_PROPERTY_PREFIX) || key === 'delta.minReaderVersion' || key === 'delta.minWriterVersion';
}
