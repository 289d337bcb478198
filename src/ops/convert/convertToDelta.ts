import { join, resolve } from 'node:path';
import { parseColumnTypeList, type NamedColumnType } from '../../connectors/columnTypeList';
import { readLocalParquetFooterBytes, readParquetFooterBytes } from '../../connectors/parquet/parquetFooter';
import { ParquetFooterSummarizer } from '../../connectors/parquet/parquetFileStats';
import type { AddFile } from '../../delta/actions';
import { DeltaError } from '../../delta/errors';
import { LOG_DIR, parseLogFile } from '../../delta/logFiles';
import { formatDataType, parseSchemaString, type DataType, type StructType } from '../../delta/schema';
import { startCreateTable } from '../../delta/transaction/createTable';
import { EncodedAddFiles } from '../../delta/transaction/encodedAddFiles';
import { encodeLogPath } from '../../delta/write/partitionDirectory';
import { LocalFileStore } from '../../storage/localFileStore';
import type { ObjectMeta, ObjectStore } from '../../storage/objectStore';
import { mapLimit } from '../../util/mapLimit';
import type { ProgressCallback } from '../../util/progress';
import { ConvertProgress, CONVERT_PROGRESS_DIR, type FooterSummary } from './convertProgress';
import { inferPartitionType, normalizePartitionValue, parsePartitionedPath } from './hivePartitions';
import { EventLoopSlicer } from './eventLoopSlicer';
import { InListingOrder } from './inListingOrder';
import { listLocalSourceFiles, listSourceFiles, type SourceListing } from './listParquetFiles';
import { SchemaReconciler, type SchemaConflict } from './reconcileSchemas';

export interface ConvertOptions {
  /** `"year INT, region STRING"`, or already parsed; types are inferred from the directory names when omitted. */
  partitionBy?: string | readonly NamedColumnType[];
  /** Plan only: read footers and check everything, commit nothing (and save no progress). */
  dryRun?: boolean;
  /** Footers read at once from an ObjectStore; a local folder is read synchronously in event-loop slices instead. */
  concurrency?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** What the conversion found (and, unless a dry run or already a table, committed). */
export interface ConvertResult {
  status: 'converted' | 'planned' | 'alreadyDelta';
  location: string;
  /** The committed version (0), or the existing table's latest version. */
  version?: number;
  schema: StructType;
  partitionColumns: string[];
  files: number;
  bytes: number;
  rows: number;
  /** Hidden and bookkeeping files left out (`_SUCCESS`, `.crc`, ...). */
  ignoredFiles: string[];
  /** Footers read by this run. */
  footersRead: number;
  /** Footers an interrupted earlier run had read and saved (see ConvertProgress): not read again. */
  footersReused: number;
  /** An interrupted earlier run listed other files (added, removed or rewritten since): they were reconciled. */
  folderChangedSinceLastRun: boolean;
}

/** Our own progress folder is not among the user's ignored files. */
const PROGRESS_PREFIX = `${CONVERT_PROGRESS_DIR}/`;

const DEFAULT_CONCURRENCY = 32;
const MAX_LISTED_CONFLICTS = 20;

/**
 * CONVERT TO DELTA in place: the Parquet files under `location` (flat or Hive-partitioned) become
 * version 0 of a Delta table whose add actions point at the files where they are. No data file is
 * read beyond its footer, none is rewritten. The folder is listed twice, before and after the
 * footers are read, and the conversion refuses to commit when anything changed in between, so a
 * file written meanwhile is never half-described. A folder that already is a table is left alone.
 * Footers are read `concurrency` at a time and saved as they are read (ConvertProgress), so a
 * run that is killed or cancelled resumes where it stopped; files added, removed or rewritten
 * since are re-listed and reconciled before the one commit. A local folder (`location` given as a
 * path) is listed and its footers read with synchronous calls in event-loop slices, which costs a
 * fraction of the CPU of the store's promise calls; an ObjectStore is read through getRange.
 */
export async function convertToDelta(location: string | ObjectStore, options: ConvertOptions = {}): Promise<ConvertResult> {
  const adds = new EncodedAddFiles();
  try {
    return await convertWith(adds, location, options);
  } finally {
    // Committed or abandoned, the add actions spilled to a temporary file are not needed any more.
    adds.discard();
  }
}

/** convertToDelta, with the add actions of the files read staged in `adds`. */
async function convertWith(adds: EncodedAddFiles, location: string | ObjectStore, options: ConvertOptions): Promise<ConvertResult> {
  const store = typeof location === 'string' ? new LocalFileStore(resolve(location)) : location;
  const source = typeof location === 'string' ? localSource(store.root) : storeSource(store);
  const progress = options.onProgress ?? (() => undefined);
  const existing = await existingTable(store);
  if (existing) {
    // Killed after the commit but before its progress folder was removed.
    if (!options.dryRun) await ConvertProgress.clear(store);
    return existing;
  }

  progress(0, 0, 'listing files');
  const listing = await source.list();
  listing.ignored = listing.ignored.filter((path) => !path.startsWith(PROGRESS_PREFIX));
  if (listing.files.length === 0) {
    throw new DeltaError('DELTA_FILE_NOT_FOUND', `${store.root} holds no Parquet data files to convert${listing.ignored.length ? ` (only hidden files such as ${listing.ignored[0]})` : ''}.`);
  }
  const layout = partitionLayout(listing.files);
  const partitionTypes = resolvePartitionTypes(layout, options.partitionBy);

  const { progress: saved, resumed } = await ConvertProgress.resume(store, listing.files);
  // Thousands of files usually share a handful of schemas: keep and reconcile each distinct one once.
  const schemas = new Map<string, StructType>();
  const summarizer = new ParquetFooterSummarizer();
  let done = 0;
  let footersRead = 0;
  let rows = 0;
  const total = listing.files.length;
  // Per file only its schema (a key shared by the files that have it); its add action is encoded at
  // once into `adds` (one buffer, the rest in a temporary file), not kept as objects until the commit.
  const fileSchemas = new Array<string>(total);
  const addsInOrder = new InListingOrder((add: AddFile) => adds.append(add));
  let failed = false;
  try {
    await mapLimit(listing.files, source.concurrency ?? options.concurrency ?? DEFAULT_CONCURRENCY, async (meta, index): Promise<void> => {
      options.signal?.throwIfAborted();
      // One bad file fails the run: the other workers stop instead of reading on in the background.
      if (failed) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'The conversion already failed.');
      let summary = resumed.footers.get(meta.path);
      if (!summary) {
        summary = footerSummary(summarizer, meta, await source.footer(meta));
        footersRead++;
        if (!options.dryRun) await saved.record(meta, summary);
      }
      if (!schemas.has(summary.schema)) schemas.set(summary.schema, parseSchemaString(summary.schema));
      fileSchemas[index] = summary.schema;
      rows += summary.rows;
      const partitionValues = typedPartitionValues(meta.path, layout.values[index] as Record<string, string | null>, partitionTypes);
      if (!options.dryRun) {
        addsInOrder.put(index, {
          path: encodeLogPath(meta.path), partitionValues, size: meta.size, modificationTime: meta.modifiedMs, dataChange: true, stats: summary.stats,
        });
      }
      progress(++done, total, meta.path);
    });
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // Also after a cancel or a bad file: the next run starts from every footer read so far.
    if (!options.dryRun) await saved.close();
  }

  // In listing order, so that which file a conflict is blamed on does not depend on I/O timing.
  const reconciler = new SchemaReconciler();
  const reconciled = new Set<string>();
  const conflictingSchemas = new Set<string>();
  for (const [index, schemaKey] of fileSchemas.entries()) {
    if (reconciled.has(schemaKey)) continue;
    reconciled.add(schemaKey);
    if (!reconciler.add(schemas.get(schemaKey) as StructType, (listing.files[index] as ObjectMeta).path)) conflictingSchemas.add(schemaKey);
  }
  if (reconciler.conflicts.length > 0) {
    const alike = fileSchemas.filter((schemaKey) => conflictingSchemas.has(schemaKey)).length - conflictingSchemas.size;
    throw schemaMismatch(reconciler.conflicts, alike);
  }
  const dataSchema = reconciler.schema as StructType;
  const schema = withPartitionColumns(dataSchema, partitionTypes, listing.files);
  const partitionColumns = partitionTypes.map((p) => p.name);
  const summary = {
    location: store.root, schema, partitionColumns, files: total,
    bytes: listing.files.reduce((sum, f) => sum + f.size, 0),
    rows,
    ignoredFiles: listing.ignored,
    footersRead,
    footersReused: total - footersRead,
    folderChangedSinceLastRun: resumed.listingChanged,
  };

  progress(total, total, 'checking the folder did not change');
  assertUnchanged(await source.list(), listing.files);
  if (options.dryRun) return { status: 'planned', ...summary };

  options.signal?.throwIfAborted();
  const transaction = await startCreateTable(store, { schema, partitionColumns });
  transaction.addEncodedFiles(adds);
  const result = await transaction.commit({
    operation: 'CONVERT',
    parameters: { numFiles: total, partitionedBy: partitionColumns, collectStats: true, sourceFormat: 'parquet' },
    metrics: { numConvertedFiles: total },
  }, options.signal ? { signal: options.signal } : {});
  await ConvertProgress.clear(store);
  return { status: 'converted', version: result.version, ...summary };
}

/** Where the folder's listing and footers come from. */
interface ParquetSource {
  list(): Promise<SourceListing>;
  /** The footer bytes of a listed file (ending with `<length><PAR1>`). */
  footer(meta: ObjectMeta): Promise<Uint8Array>;
  /** Footers to read at once, when the source decides rather than ConvertOptions.concurrency. */
  concurrency?: number;
}

function localSource(root: string): ParquetSource {
  const slicer = new EventLoopSlicer();
  return {
    // Synchronous reads gain nothing from concurrent callers, and with many, one caller runs a whole
    // slice of files (its awaits resolve at once) before the others finish their first: hundreds of
    // finished files then wait to be committed in listing order.
    concurrency: 1,
    list: () => listLocalSourceFiles(root),
    footer: async (meta) => {
      await slicer.pause();
      return readLocalParquetFooterBytes(join(root, meta.path), meta.path, meta.size);
    },
  };
}

function storeSource(store: ObjectStore): ParquetSource {
  return { list: () => listSourceFiles(store), footer: (meta) => readParquetFooterBytes(store, meta.path, meta.size) };
}

function footerSummary(summarizer: ParquetFooterSummarizer, meta: ObjectMeta, footer: Uint8Array): FooterSummary {
  const { schema, stats, rows, nanosecondColumns } = summarizer.summarize(footer, meta.path);
  if (nanosecondColumns.length > 0) {
    throw new DeltaError('DELTA_INVALID_SCHEMA',
      `${meta.path}: column ${nanosecondColumns.join(', ')} stores TIMESTAMP(NANOS), which Spark cannot read, so it cannot be converted in place. Copy it instead (lakehouse import stores microseconds), or rewrite the files with microsecond timestamps.`);
  }
  return { schema, stats, rows };
}

async function existingTable(store: ObjectStore): Promise<ConvertResult | undefined> {
  const hasCommits = (await store.list(LOG_DIR)).some((o) => parseLogFile(o.path) !== undefined);
  if (!hasCommits) return undefined;
  // Loaded only here: the table reader brings the Parquet decoders (parquet-wasm, apache-arrow), which a conversion never needs.
  const { DeltaTable } = await import('../../delta/table');
  const snapshot = await (await DeltaTable.open(store)).snapshot();
  const files = snapshot.files();
  return {
    status: 'alreadyDelta', location: store.root, version: snapshot.version, schema: snapshot.schema,
    partitionColumns: snapshot.metadata.partitionColumns, files: files.length,
    bytes: files.reduce((sum, f) => sum + f.size, 0), rows: 0, ignoredFiles: [], footersRead: 0, footersReused: 0, folderChangedSinceLastRun: false,
  };
}

interface PartitionLayout {
  columns: string[];
  /** Raw values per listed file, same order as the listing. */
  values: Array<Record<string, string | null>>;
}

function partitionLayout(files: readonly ObjectMeta[]): PartitionLayout {
  let columns: string[] | undefined;
  let firstPath = '';
  // Parsed once per directory: its files share one values object (10,000 files, 10 partitions: 10 objects).
  const byDirectory = new Map<string, Record<string, string | null>>();
  const values = files.map((file) => {
    const directory = file.path.slice(0, file.path.lastIndexOf('/') + 1);
    const known = byDirectory.get(directory);
    if (known) return known;
    const parsed = parsePartitionedPath(file.path);
    if (columns === undefined) {
      columns = parsed.columns;
      firstPath = file.path;
    } else if (parsed.columns.join('/') !== columns.join('/')) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT',
        `The partition directories differ: ${firstPath} is under ${describeColumns(columns)} but ${file.path} is under ${describeColumns(parsed.columns)}. Every file must be at the same partition depth.`);
    }
    byDirectory.set(directory, parsed.values);
    return parsed.values;
  });
  return { columns: columns ?? [], values };
}

function describeColumns(columns: readonly string[]): string {
  return columns.length === 0 ? 'no partition directory' : columns.map((c) => `${c}=`).join('/');
}

function resolvePartitionTypes(layout: PartitionLayout, given: ConvertOptions['partitionBy']): NamedColumnType[] {
  if (given === undefined) {
    return layout.columns.map((name) => ({ name, type: inferPartitionType(layout.values.map((v) => v[name] ?? null)) }));
  }
  const declared = typeof given === 'string' ? parseColumnTypeList(given, 'partition schema') : [...given];
  const names = declared.map((d) => d.name);
  const missing = layout.columns.filter((c) => !names.includes(c));
  const extra = names.filter((n) => !layout.columns.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT',
      `The partition schema names ${names.join(', ') || 'no column'}, but the directories are partitioned by ${layout.columns.join(', ') || 'nothing'}.`
      + `${missing.length ? ` Missing: ${missing.join(', ')}.` : ''}${extra.length ? ` Not a directory level: ${extra.join(', ')}.` : ''}`);
  }
  return declared;
}

function typedPartitionValues(path: string, raw: Record<string, string | null>, types: readonly NamedColumnType[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const { name, type } of types) {
    const value = raw[name] ?? null;
    if (value === null) {
      out[name] = null;
      continue;
    }
    const normalized = normalizePartitionValue(value, type);
    if ('error' in normalized) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `${path}: partition ${name} ${normalized.error}; declare it with another type in --partition-by.`);
    }
    out[name] = normalized.value;
  }
  return out;
}

function withPartitionColumns(dataSchema: StructType, partitions: readonly NamedColumnType[], files: readonly ObjectMeta[]): StructType {
  for (const { name } of partitions) {
    if (dataSchema.fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) {
      throw new DeltaError('DELTA_SCHEMA_MISMATCH',
        `"${name}" is both a partition directory and a column inside the data files (e.g. ${files[0]?.path}); a converted table cannot hold both.`);
    }
  }
  return {
    kind: 'struct',
    fields: [
      ...dataSchema.fields,
      ...partitions.map(({ name, type }: { name: string; type: DataType }) => ({ name, type, nullable: true, metadata: {} })),
    ],
  };
}

function assertUnchanged(now: SourceListing, before: readonly ObjectMeta[]): void {
  // Both listings are sorted by path: one merge, no map of 10,000 entries.
  const after = now.files;
  const changes: string[] = [];
  let a = 0;
  let b = 0;
  while (a < after.length || b < before.length) {
    const file = after[a];
    const old = before[b];
    if (old === undefined || (file !== undefined && file.path < old.path)) {
      changes.push(`${file?.path} was added`);
      a++;
    } else if (file === undefined || old.path < file.path) {
      changes.push(`${old.path} was deleted`);
      b++;
    } else {
      if (old.size !== file.size || old.modifiedMs !== file.modifiedMs) changes.push(`${file.path} was modified`);
      a++;
      b++;
    }
  }
  if (changes.length > 0) {
    throw new DeltaError('DELTA_CONCURRENT_MODIFICATION',
      `The folder changed while it was being converted (${changes.slice(0, 5).join('; ')}${changes.length > 5 ? `; and ${changes.length - 5} more` : ''}). Nothing was committed; run the conversion again once writers have finished.`);
  }
}

function schemaMismatch(conflicts: readonly SchemaConflict[], filesAlike: number): DeltaError {
  const lines = conflicts.slice(0, MAX_LISTED_CONFLICTS).map((c) => `  ${c.file}: column ${c.column}: ${c.difference}`);
  const more = conflicts.length > MAX_LISTED_CONFLICTS ? [`  ... and ${conflicts.length - MAX_LISTED_CONFLICTS} more`] : [];
  if (filesAlike > 0) more.push(`  (${filesAlike} more file(s) have the same schema as a file listed)`);
  return new DeltaError('DELTA_SCHEMA_MISMATCH',
    `Some files have schemas that cannot be merged into one table schema:\n${[...lines, ...more].join('\n')}\nRewrite or move those files, then convert again.`);
}

/** One line per column, for plans and messages: `id long`. */
export function describeSchema(schema: StructType): string[] {
  return schema.fields.map((f) => `${f.name} ${formatDataType(f.type)}`);
}
