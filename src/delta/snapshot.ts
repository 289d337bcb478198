import type { ObjectStore } from '../storage/objectStore';
import type { AddFile, DomainMetadata, Metadata, Protocol, RemoveFile } from './actions';
import { replayLog, type TableState } from './logReplay';
import type { LogSegment } from './logSegment';
import { parseSchemaString, type ColumnMappingMode, type StructType } from './schema';
import { assertReadable } from './tableFeatures';
import { Scan, type ScanOptions } from './scan/scan';

const EMPTY_SCHEMA = '{"type":"struct","fields":[]}';

/** One version of a table: its protocol, metadata, schema and active files. Immutable. */
export class Snapshot {
  readonly version: number;
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  /** Logical schema, partition columns included, in the table's column order. */
  readonly schema: StructType;
  readonly partitionColumns: string[];
  readonly properties: Record<string, string>;
  readonly columnMappingMode: ColumnMappingMode;
  /** Commit time of this version in ms (inCommitTimestamp when the table records it). */
  readonly timestamp: number;

  private constructor(
    readonly store: ObjectStore,
    readonly tableRoot: string,
    readonly segment: LogSegment,
    private readonly state: TableState,
  ) {
    this.version = segment.version;
    this.protocol = state.protocol;
    this.metadata = state.metadata;
    assertReadable(this.protocol);
    // Old writers could leave schemaString out; Delta reads that as an empty schema.
    this.schema = parseSchemaString(state.metadata.schemaString ?? EMPTY_SCHEMA);
    this.partitionColumns = state.metadata.partitionColumns ?? [];
    this.properties = state.metadata.configuration ?? {};
    const mode = this.properties['delta.columnMapping.mode'];
    this.columnMappingMode = mode === 'name' || mode === 'id' ? mode : 'none';
    this.timestamp = state.inCommitTimestamp ?? segment.versionCommit?.modifiedMs ?? 0;
  }

  static async load(store: ObjectStore, tableRoot: string, segment: LogSegment): Promise<Snapshot> {
    // Protocol first: a table we cannot read is refused before anything else is interpreted.
    const state = await replayLog(store, segment, tableRoot);
    assertReadable(state.protocol);
    return new Snapshot(store, tableRoot, segment, state);
  }

  /** Active data files. */
  files(): AddFile[] {
    return [...this.state.files.values()];
  }

  get fileCount(): number {
    return this.state.files.size;
  }

  /** Removed files whose tombstones are still in the log (VACUUM needs them). */
  tombstones(): RemoveFile[] {
    return [...this.state.tombstones.values()];
  }

  /** The last version an idempotent writer with this appId committed ("Transaction Identifiers"). */
  txnVersion(appId: string): number | undefined {
    return this.state.txns.get(appId)?.version;
  }

  /** The appIds of every idempotent writer that has committed to this table. */
  txnAppIds(): string[] {
    return [...this.state.txns.keys()];
  }

  domainMetadata(domain: string): DomainMetadata | undefined {
    return this.state.domains.get(domain);
  }

  domains(): DomainMetadata[] {
    return [...this.state.domains.values()];
  }

  scan(options: ScanOptions = {}): Scan {
    return new Scan(this, options);
  }
}
