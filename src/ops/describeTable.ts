import type { Snapshot } from '../delta/snapshot';
import type { StructType } from '../delta/schema';

/** What `lakehouse info` and the extension's table node show about one version of a table. */
export interface TableDescription {
  location: string;
  id: string;
  name?: string;
  description?: string;
  version: number;
  /** Commit time of the version, ISO 8601. */
  timestamp: string;
  numFiles: number;
  sizeInBytes: number;
  /** Sum of per-file numRecords; undefined when some file has no statistics. */
  numRecords?: number;
  /** Rows hidden by deletion vectors. */
  numDeletedRecords: number;
  partitionColumns: string[];
  schema: StructType;
  protocol: { minReaderVersion: number; minWriterVersion: number; readerFeatures?: string[]; writerFeatures?: string[] };
  properties: Record<string, string>;
}

export function describeTable(snapshot: Snapshot): TableDescription {
  let sizeInBytes = 0;
  let numRecords: number | undefined = 0;
  let numDeletedRecords = 0;
  for (const file of snapshot.files()) {
    sizeInBytes += file.size;
    numDeletedRecords += file.deletionVector?.cardinality ?? 0;
    const records = recordCount(file.stats);
    numRecords = numRecords === undefined || records === undefined ? undefined : numRecords + records;
  }
  const { metadata, protocol } = snapshot;
  return {
    location: snapshot.tableRoot,
    id: metadata.id,
    ...(metadata.name ? { name: metadata.name } : {}),
    ...(metadata.description ? { description: metadata.description } : {}),
    version: snapshot.version,
    timestamp: new Date(snapshot.timestamp).toISOString(),
    numFiles: snapshot.fileCount,
    sizeInBytes,
    ...(numRecords === undefined ? {} : { numRecords: numRecords - numDeletedRecords }),
    numDeletedRecords,
    partitionColumns: snapshot.partitionColumns,
    schema: snapshot.schema,
    protocol: {
      minReaderVersion: protocol.minReaderVersion,
      minWriterVersion: protocol.minWriterVersion,
      ...(protocol.readerFeatures ? { readerFeatures: protocol.readerFeatures } : {}),
      ...(protocol.writerFeatures ? { writerFeatures: protocol.writerFeatures } : {}),
    },
    properties: snapshot.properties,
  };
}

/** numRecords from a stats JSON string without parsing the (possibly large) min/max objects twice. */
export function recordCount(stats: string | null | undefined): number | undefined {
  if (!stats) return undefined;
  const match = /"numRecords"\s*:\s*(\d+)/.exec(stats);
  return match ? Number(match[1]) : undefined;
}
