import type { Snapshot } from '../../delta/snapshot';
import { formatDataType, type StructField } from '../../delta/schema';

/**
 * One version's schema and metadata as stable, line-oriented text, so a text diff of two versions
 * shows exactly what changed (a column added, a property set, a feature enabled). Keys are sorted
 * and every column sits on its own line with its type, nullability and metadata.
 */
export function versionText(snapshot: Pick<Snapshot, 'version' | 'schema' | 'partitionColumns' | 'protocol' | 'metadata' | 'properties'>): string {
  const { metadata, protocol } = snapshot;
  const lines = [`# Version ${snapshot.version}`, '', '## Schema', ''];
  const visit = (fields: readonly StructField[], depth: number): void => {
    for (const field of fields) {
      const meta = Object.keys(field.metadata).sort().map((key) => `${key}=${JSON.stringify(field.metadata[key])}`);
      lines.push(`${'  '.repeat(depth)}${field.name}: ${formatDataType(field.type)}${field.nullable ? '' : ' NOT NULL'}${meta.length ? `  {${meta.join(', ')}}` : ''}`);
      if (field.type.kind === 'struct') visit(field.type.fields, depth + 1);
    }
  };
  visit(snapshot.schema.fields, 0);
  lines.push('', '## Table', '', `id: ${metadata.id}`);
  if (metadata.name) lines.push(`name: ${metadata.name}`);
  if (metadata.description) lines.push(`description: ${metadata.description}`);
  lines.push(`partition columns: ${snapshot.partitionColumns.join(', ') || '(none)'}`);
  lines.push('', '## Protocol', '', `minReaderVersion: ${protocol.minReaderVersion}`, `minWriterVersion: ${protocol.minWriterVersion}`);
  if (protocol.readerFeatures) lines.push(`readerFeatures: ${[...protocol.readerFeatures].sort().join(', ')}`);
  if (protocol.writerFeatures) lines.push(`writerFeatures: ${[...protocol.writerFeatures].sort().join(', ')}`);
  lines.push('', '## Properties', '');
  const keys = Object.keys(snapshot.properties).sort();
  if (keys.length === 0) lines.push('(none)');
  for (const key of keys) lines.push(`${key} = ${snapshot.properties[key]}`);
  return `${lines.join('\n')}\n`;
}
