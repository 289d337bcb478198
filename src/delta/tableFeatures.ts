import type { Protocol } from './actions';
import { DeltaError } from './errors';
import type { DataType, StructType } from './schema';

/** Reader features this engine implements ("Table Features" in PROTOCOL.md). */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  'columnMapping', 'deletionVectors', 'timestampNtz', 'v2Checkpoint', 'typeWidening', 'typeWidening-preview',
  'vacuumProtocolCheck', 'variantType', 'variantType-preview',
]);

/** Writer features this engine implements; the writer refuses tables using any other. */
export const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set([
  'appendOnly', 'invariants', 'checkConstraints', 'generatedColumns', 'columnMapping', 'deletionVectors',
  'timestampNtz', 'changeDataFeed', 'domainMetadata', 'v2Checkpoint', 'vacuumProtocolCheck', 'inCommitTimestamp',
  'typeWidening', 'typeWidening-preview', 'rowTracking',
]);

const MAX_READER_VERSION = 3;
const MAX_WRITER_VERSION = 7;

/** Throws unless this engine can read a table with this protocol. */
export function assertReadable(protocol: Protocol): void {
  const { minReaderVersion } = protocol;
  if (!Number.isInteger(minReaderVersion) || minReaderVersion < 1 || minReaderVersion > MAX_READER_VERSION) {
    throw new DeltaError('DELTA_INVALID_PROTOCOL_VERSION',
      `This table requires Delta reader version ${minReaderVersion}; Lakehouse Studio reads versions 1 to ${MAX_READER_VERSION}. Upgrade Lakehouse Studio or read the table with an engine that supports it.`);
  }
  if (minReaderVersion === 3) {
    const unsupported = (protocol.readerFeatures ?? []).filter((f) => !SUPPORTED_READER_FEATURES.has(f));
    if (unsupported.length > 0) {
      throw new DeltaError('DELTA_UNSUPPORTED_READER_FEATURE',
        `This table uses the reader feature${unsupported.length > 1 ? 's' : ''} ${unsupported.map((f) => `"${f}"`).join(', ')}, which Lakehouse Studio cannot read yet.`);
    }
  }
}

/**
 * Writer features that only govern a column type: a table that has the feature but no such column
 * is safe to write. delta-rs, for one, lists variantType on every table it enables deletion vectors on.
 */
const TYPE_FEATURES: Readonly<Record<string, (type: DataType) => boolean>> = {
  variantType: isVariant,
  'variantType-preview': isVariant,
};

function isVariant(type: DataType): boolean {
  return type.kind === 'primitive' && type.name === 'variant';
}

function schemaUses(schema: StructType, matches: (type: DataType) => boolean): boolean {
  const visit = (type: DataType): boolean => {
    if (matches(type)) return true;
    switch (type.kind) {
      case 'struct': return type.fields.some((f) => visit(f.type));
      case 'array': return visit(type.elementType);
      case 'map': return visit(type.keyType) || visit(type.valueType);
      default: return false;
    }
  };
  return visit(schema);
}

/**
 * Throws unless this engine can write a table with this protocol. With the table's schema, a type
 * feature (variantType) whose type no column uses does not block the write.
 */
export function assertWritable(protocol: Protocol, schema?: StructType): void {
  assertReadable(protocol);
  const { minWriterVersion } = protocol;
  if (!Number.isInteger(minWriterVersion) || minWriterVersion < 1 || minWriterVersion > MAX_WRITER_VERSION) {
    throw new DeltaError('DELTA_INVALID_PROTOCOL_VERSION',
      `This table requires Delta writer version ${minWriterVersion}; Lakehouse Studio writes versions 1 to ${MAX_WRITER_VERSION}.`);
  }
  if (minWriterVersion === 7) {
    const unsupported = (protocol.writerFeatures ?? []).filter((f) => {
      if (SUPPORTED_WRITER_FEATURES.has(f)) return false;
      const typeCheck = TYPE_FEATURES[f];
      return !(schema && typeCheck && !schemaUses(schema, typeCheck));
    });
    if (unsupported.length > 0) {
      throw new DeltaError('DELTA_UNSUPPORTED_WRITER_FEATURE',
        `This table uses the writer feature${unsupported.length > 1 ? 's' : ''} ${unsupported.map((f) => `"${f}"`).join(', ')}, which Lakehouse Studio cannot write yet; the table was left unchanged.`);
    }
  }
}

/** Whether the table has a feature, by explicit feature list or implied by legacy protocol versions. */
export function hasFeature(protocol: Protocol, feature: string): boolean {
  if ((protocol.readerFeatures ?? []).includes(feature) || (protocol.writerFeatures ?? []).includes(feature)) return true;
  if (protocol.minWriterVersion >= 7) return false;
  const legacyWriter: Record<string, number> = {
    appendOnly: 2, invariants: 2, checkConstraints: 3, changeDataFeed: 4, generatedColumns: 4, columnMapping: 5, identityColumns: 6,
  };
  const needed = legacyWriter[feature];
  return needed !== undefined && protocol.minWriterVersion >= needed;
}
