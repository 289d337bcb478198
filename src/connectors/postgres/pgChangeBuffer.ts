import { Field, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';
import { toArrowSchema } from '../../delta/arrowSchema';
import { DeltaError } from '../../delta/errors';
import { createColumnBuilder } from './arrowColumnBuilder';
import type { PgoutputMessage, TupleValue } from './pgoutputMessages';
import type { PgSourceColumn, PgSourceSchema } from './pgSourceSchema';

type RowChange = Extract<PgoutputMessage, { tag: 'insert' | 'update' | 'delete' }>;
type Relation = Extract<PgoutputMessage, { tag: 'relation' }>;
/** A row's values in the source schema's column order (binary wire form); undefined: deleted. */
type Image = Array<Uint8Array | null> | undefined;

/**
 * The net effect of a run of replicated row changes, one entry per primary key: the last image of
 * each key, or its deletion. An update that changes the key deletes the old key. Values that an
 * update left unchanged because they are TOASTed come from the old row (REPLICA IDENTITY FULL) or
 * from the key's earlier image in this buffer.
 */
export class PgChangeBuffer {
  private readonly images = new Map<string, Image>();
  /** Per relation column, the index of the schema column it feeds. */
  private columnMap: number[] | undefined;
  private relationId: number | undefined;
  private readonly keyIndexes: number[];
  private bytes = 0;
  private changeCount = 0;

  constructor(private readonly schema: PgSourceSchema, private readonly key: readonly string[]) {
    const unsupported = schema.columns.filter((c) => c.cast !== undefined);
    if (unsupported.length > 0) {
      throw new DeltaError('SOURCE_TYPE_UNSUPPORTED',
        `cdc mode does not decode the binary form of ${unsupported.map((c) => `${c.name} (${c.pgType})`).join(', ')} yet; use --mode incremental or snapshot for this table.`);
    }
    this.keyIndexes = key.map((name) => schema.columns.findIndex((c) => c.name === name));
  }

  /** Changes buffered (after net-effect folding: keys). */
  get size(): number {
    return this.images.size;
  }

  /** Row changes received, before folding. */
  get changes(): number {
    return this.changeCount;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** The source columns the buffered images follow. */
  get columns(): readonly PgSourceColumn[] {
    return this.schema.columns;
  }

  /** Whether a Relation message describes the table this buffer follows. */
  follows(message: Relation): boolean {
    const qualified = `"${message.schema.replace(/"/g, '""')}"."${message.name.replace(/"/g, '""')}"`;
    return this.schema.table !== undefined && (qualified === this.schema.table || unquoted(qualified) === unquoted(this.schema.table));
  }

  /**
   * A Relation message: true when it is the table this buffer follows (others are ignored). Its
   * columns must be the buffer's; a changed schema needs a new buffer (see ingestPostgresCdc).
   */
  relation(message: Relation): boolean {
    if (!this.follows(message)) return false;
    const names = message.columns.map((c) => c.name);
    const expected = this.schema.columns.map((c) => c.name);
    if (names.length !== expected.length || names.some((n) => !expected.includes(n))) {
      throw new DeltaError('SOURCE_QUERY_FAILED',
        `The schema of ${this.schema.table} changed while streaming (now [${names.join(', ')}], the Delta table has [${expected.join(', ')}]). Nothing after the last commit was written; evolve the Delta table or take a new snapshot.`);
    }
    this.relationId = message.relationId;
    this.columnMap = names.map((n) => expected.indexOf(n));
    return true;
  }

  /** Whether a Truncate of these relations touches the followed table. */
  isFollowing(relationIds: readonly number[]): boolean {
    return this.relationId !== undefined && relationIds.includes(this.relationId);
  }

  add(change: RowChange): void {
    if (change.relationId !== this.relationId) return;
    this.changeCount++;
    if (change.tag === 'insert') {
      const image = this.image(change.values);
      this.set(this.keyOf(image), image);
      return;
    }
    if (change.tag === 'delete') {
      this.set(this.keyOf(this.image(change.old.values)), undefined);
      return;
    }
    const oldImage = change.old ? this.image(change.old.values) : undefined;
    const oldKey = oldImage ? this.keyOf(oldImage) : undefined;
    const base = change.old?.kind === 'O' ? oldImage : undefined;
    const fresh = this.image(change.values);
    const newKey = this.keyOf(fresh);
    const previous = base ?? this.images.get(oldKey ?? newKey);
    const image = fresh.map((value, i) => {
      if (value !== 'unchanged') return value;
      const kept = previous?.[i];
      if (kept === undefined || kept === 'unchanged') {
        throw new DeltaError('SOURCE_QUERY_FAILED',
          `An update of ${this.schema.table} left the large value of "${this.schema.columns[i]?.name}" unchanged and the WAL does not carry it: run ALTER TABLE ${this.schema.table} REPLICA IDENTITY FULL, then take a new snapshot.`);
      }
      return kept;
    });
    if (oldKey !== undefined && oldKey !== newKey) this.set(oldKey, undefined);
    this.set(newKey, image as Array<Uint8Array | null>);
  }

  /** The buffered net changes as Arrow (upserts in the Delta schema, deletes with the key columns), then empties the buffer. */
  drain(): { upserts: RecordBatch[]; deletes: RecordBatch[] } {
    const arrowSchema = toArrowSchema(this.schema.deltaSchema);
    const upserts = this.schema.columns.map((c, i) => createColumnBuilder(c.decoder, (arrowSchema.fields[i] as Field).type, c.name));
    const keyFields = this.keyIndexes.map((i) => arrowSchema.fields[i] as Field);
    const deletes = this.keyIndexes.map((i, k) => createColumnBuilder((this.schema.columns[i] as PgSourceColumn).decoder, (keyFields[k] as Field).type, this.key[k] as string));
    let upsertRows = 0;
    let deleteRows = 0;
    const append = new ValueAppender();
    for (const image of this.images.values()) {
      if (image === undefined) continue;
      upsertRows++;
      image.forEach((value, i) => append.to(upserts[i], value));
    }
    for (const [key, image] of this.images) {
      if (image !== undefined) continue;
      deleteRows++;
      this.keyValues(key).forEach((value, k) => append.to(deletes[k], value));
    }
    this.images.clear();
    this.bytes = 0;
    this.changeCount = 0;
    const deleteSchema = new Schema(keyFields);
    const batch = (schema: Schema, builders: typeof upserts, rows: number): RecordBatch[] => rows === 0 ? [] : [new RecordBatch(schema,
      makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children: builders.map((b) => b.finish()) }))];
    return { upserts: batch(arrowSchema, upserts, upsertRows), deletes: batch(deleteSchema, deletes, deleteRows) };
  }

  private image(values: readonly TupleValue[]): Array<TupleValue> {
    const map = this.columnMap as number[];
    const image: TupleValue[] = new Array<TupleValue>(this.schema.columns.length).fill(null);
    values.forEach((value, i) => { image[map[i] as number] = value; });
    return image;
  }

  /**
   * The key from its binary values (equal keys have equal binary forms for the key types we
   * accept): for a one-column key (the usual case, computed for every change) its bytes as latin1,
   * one character per byte, behind `v` (or `n` for NULL); else the JSON of the values' hex.
   */
  private keyOf(image: readonly TupleValue[]): string {
    const keyValue = (i: number): Uint8Array | null => {
      const value = image[i];
      if (value === 'unchanged' || value === undefined) throw new DeltaError('SOURCE_QUERY_FAILED', `A replicated row of ${this.schema.table} has no value for its key column.`);
      return value;
    };
    if (this.keyIndexes.length === 1) {
      const value = keyValue(this.keyIndexes[0] as number);
      return value === null ? 'n' : `v${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1')}`;
    }
    return JSON.stringify(this.keyIndexes.map((i) => {
      const value = keyValue(i);
      return value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    }));
  }

  /** The key columns' binary values back from keyOf's string. */
  private keyValues(key: string): Array<Uint8Array | null> {
    if (this.keyIndexes.length === 1) return [key === 'n' ? null : Buffer.from(key.slice(1), 'latin1')];
    return (JSON.parse(key) as Array<string | null>).map((hex) => (hex === null ? null : Buffer.from(hex, 'hex')));
  }

  private set(key: string, image: Array<TupleValue> | undefined): void {
    if (image === undefined) {
      this.images.set(key, undefined);
      return;
    }
    this.images.set(key, image as Array<Uint8Array | null>);
    for (const value of image) if (value instanceof Uint8Array) this.bytes += value.length;
  }
}

/**
 * Appends wire values to column builders. The values of a run of changes are views into a few
 * message buffers, so one byte view and DataView per underlying buffer serve them all, instead
 * of a DataView made for every value (measured: the drain's hottest line under a cdc load).
 */
class ValueAppender {
  private buffer: ArrayBufferLike | undefined;
  private bytes: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.bytes.buffer);

  to(builder: ReturnType<typeof createColumnBuilder> | undefined, value: Uint8Array | null): void {
    if (!builder) return;
    if (value === null) {
      builder.appendNull();
      return;
    }
    if (value.buffer !== this.buffer) {
      this.buffer = value.buffer;
      this.bytes = new Uint8Array(value.buffer);
      this.view = new DataView(value.buffer);
    }
    builder.append(this.bytes, this.view, value.byteOffset, value.length);
  }
}

function unquoted(name: string): string {
  return name.replace(/"/g, '');
}
