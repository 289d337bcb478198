/**
 * The actions of the Delta transaction log ("Actions" in PROTOCOL.md), as read from commit JSON
 * and checkpoints. Field names follow the protocol exactly so they serialise back unchanged.
 */

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Format { provider: string; options?: Record<string, string> }

export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: Format;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

/** "Deletion Vector Descriptor Schema": storageType u (UUID-relative), i (inline), p (absolute path). */
export interface DeletionVectorDescriptor {
  storageType: 'u' | 'i' | 'p';
  pathOrInlineDv: string;
  offset?: number | null;
  sizeInBytes: number;
  cardinality: number;
}

export interface AddFile {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
  clusteringProvider?: string | null;
}

export interface RemoveFile {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean | null;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
}

export interface AddCDCFile {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  dataChange: boolean;
  tags?: Record<string, string> | null;
}

export interface Txn { appId: string; version: number; lastUpdated?: number | null }

export interface DomainMetadata { domain: string; configuration: string; removed: boolean }

export type CommitInfo = Record<string, unknown> & {
  timestamp?: number;
  inCommitTimestamp?: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  operationMetrics?: Record<string, unknown>;
  engineInfo?: string;
};

export interface CheckpointMetadata { version: number; tags?: Record<string, string> | null }

export interface Sidecar { path: string; sizeInBytes: number; modificationTime: number; tags?: Record<string, string> | null }

/** One line of a commit file, or one row of a checkpoint: exactly one key is set. */
export interface Action {
  protocol?: Protocol;
  metaData?: Metadata;
  add?: AddFile;
  remove?: RemoveFile;
  cdc?: AddCDCFile;
  txn?: Txn;
  domainMetadata?: DomainMetadata;
  commitInfo?: CommitInfo;
  checkpointMetadata?: CheckpointMetadata;
  sidecar?: Sidecar;
}
