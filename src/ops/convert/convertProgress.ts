import { createHash, randomUUID } from 'node:crypto';
import { isRecord } from '../../delta/schema';
import type { ObjectMeta, ObjectStore } from '../../storage/objectStore';

/**
 * Where an interrupted conversion keeps the footers it already read. A leading '_' hides the
 * folder from Spark's file index and from our own listing (listSourceFiles), and nothing under it
 * is a Delta log file, so the folder never looks like a half-made table.
 */
export const CONVERT_PROGRESS_DIR = '_lakehouse_convert';

const FORMAT = 1;
/** Footers kept in memory before they are saved: a kill -9 loses at most this many reads... */
const SEGMENT_FILES = 500;
/** ...or this much time of reading, on a slow object store. */
const SEGMENT_MILLIS = 2000;
/** Files hashed per update of the listing fingerprint. */
const FINGERPRINT_BATCH = 1000;

/** What the conversion needs from one footer, so that a rerun can skip reading it again. */
export interface FooterSummary {
  stats: string;
  rows: number;
  /** The file's Delta schema as JSON (schemaToString), to be reconciled with the others. */
  schema: string;
}

interface SavedFooter extends FooterSummary {
  path: string;
  size: number;
  modifiedMs: number;
}

/** Footers saved by earlier runs that still describe the listed files. */
export interface ResumedProgress {
  /** By path; only entries whose size and modification time still match the listing. */
  footers: Map<string, FooterSummary>;
  /** Whether an earlier run saw another listing (files added, removed or rewritten since). */
  listingChanged: boolean;
}

/**
 * Saved progress of CONVERT in place: footers already read, in segment files written whole (put
 * is atomic), each with the fingerprint of the listing it was read from. A rerun after a kill or
 * a cancel reuses every saved footer whose file is still there with the same size and
 * modification time and reads only the rest; files added or removed since are simply listed
 * again. The folder is deleted once the table is committed.
 */
export class ConvertProgress {
  private pending: SavedFooter[] = [];
  private lastSave = Date.now();
  private segment = 0;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly runId = randomUUID();

  private constructor(
    private readonly store: ObjectStore,
    private readonly fingerprint: string,
  ) {}

  /** Loads what earlier runs saved that still describes files of this listing. */
  static async resume(store: ObjectStore, listing: readonly ObjectMeta[]): Promise<{ progress: ConvertProgress; resumed: ResumedProgress }> {
    const fingerprint = listingFingerprint(listing);
    const footers = new Map<string, FooterSummary>();
    let listingChanged = false;
    const segments = await store.list(`${CONVERT_PROGRESS_DIR}/`);
    // Only a resumed run needs the listing by path.
    const byPath = segments.length === 0 ? new Map<string, ObjectMeta>() : new Map(listing.map((f) => [f.path, f]));
    for (const object of segments) {
      const segment = parseSegment(await store.get(object.path));
      if (!segment) continue; // unreadable: its footers are simply read again
      if (segment.fingerprint !== fingerprint) listingChanged = true;
      for (const saved of segment.files) {
        const listed = byPath.get(saved.path);
        if (listed && listed.size === saved.size && listed.modifiedMs === saved.modifiedMs) {
          footers.set(saved.path, { stats: saved.stats, rows: saved.rows, schema: saved.schema });
        }
      }
    }
    return { progress: new ConvertProgress(store, fingerprint), resumed: { footers, listingChanged } };
  }

  /** Records a footer just read; saves a segment when enough have piled up. */
  record(file: ObjectMeta, footer: FooterSummary): Promise<void> {
    if (this.closed) return this.saving;
    this.pending.push({ path: file.path, size: file.size, modifiedMs: file.modifiedMs, ...footer });
    if (this.pending.length >= SEGMENT_FILES || Date.now() - this.lastSave >= SEGMENT_MILLIS) return this.flush();
    return this.saving;
  }

  /**
   * Saves what is pending and records nothing more: called when the reads end, also after a
   * failure or a cancel (so the next run starts from there), when reads still in flight must not
   * save anything after the conversion has returned.
   */
  close(): Promise<void> {
    const saved = this.flush();
    this.closed = true;
    return saved;
  }

  private flush(): Promise<void> {
    const files = this.pending;
    this.pending = [];
    this.lastSave = Date.now();
    if (files.length === 0) return this.saving;
    const path = `${CONVERT_PROGRESS_DIR}/segment-${this.runId}-${String(this.segment++).padStart(6, '0')}.json`;
    const body = new TextEncoder().encode(this.serialize(files));
    // Segments are saved one after another so a failed put surfaces once, in order.
    this.saving = this.saving.then(() => this.store.put(path, body));
    return this.saving;
  }

  /** Removes the saved progress: the table is committed, nothing is left to resume. */
  static async clear(store: ObjectStore): Promise<void> {
    for (const object of await store.list(`${CONVERT_PROGRESS_DIR}/`)) await store.delete(object.path);
  }

  private serialize(files: readonly SavedFooter[]): string {
    // Thousands of files share a handful of schemas: each segment lists its own once.
    const indexes = new Map<string, number>();
    const schemas: string[] = [];
    const rows = files.map((f) => {
      let index = indexes.get(f.schema);
      if (index === undefined) {
        index = schemas.push(f.schema) - 1;
        indexes.set(f.schema, index);
      }
      return [f.path, f.size, f.modifiedMs, f.rows, index, f.stats];
    });
    return JSON.stringify({ format: FORMAT, fingerprint: this.fingerprint, schemas, files: rows });
  }
}

/** A hash of the listing (path, size, modification time of every data file), to tell whether the folder changed. */
export function listingFingerprint(listing: readonly ObjectMeta[]): string {
  // One update per thousand files: an update per file costs several times more for 100,000 files,
  // and the joined text of all of them would be one more large string to collect.
  const hash = createHash('sha256');
  for (let start = 0; start < listing.length; start += FINGERPRINT_BATCH) {
    hash.update(listing.slice(start, start + FINGERPRINT_BATCH).map((f) => `${f.path}\t${f.size}\t${f.modifiedMs}\n`).join(''));
  }
  return hash.digest('hex');
}

function parseSegment(bytes: Uint8Array): { fingerprint: string; files: SavedFooter[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.format !== FORMAT || typeof parsed.fingerprint !== 'string') return undefined;
  const schemas = parsed.schemas;
  if (!Array.isArray(schemas) || !Array.isArray(parsed.files)) return undefined;
  const files: SavedFooter[] = [];
  for (const row of parsed.files as unknown[]) {
    if (!Array.isArray(row)) return undefined;
    const [path, size, modifiedMs, rows, index, stats] = row as unknown[];
    const schema: unknown = typeof index === 'number' ? schemas[index] : undefined;
    if (typeof path !== 'string' || typeof size !== 'number' || typeof modifiedMs !== 'number' || typeof rows !== 'number'
      || typeof schema !== 'string' || typeof stats !== 'string') return undefined;
    files.push({ path, size, modifiedMs, rows, schema, stats });
  }
  return { fingerprint: parsed.fingerprint, files };
}
