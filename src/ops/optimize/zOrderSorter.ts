import { appendFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Data, Field, Float64, RecordBatch, RecordBatchReader, Schema, Struct, Table, makeData, tableToIPC,
} from 'apache-arrow';
import { takeData } from '../../arrow/takeRows';
import type { TypedValue } from '../../delta/predicate/typedValue';
import type { MemoryMeter } from './memoryMeter';
import type { ZOrderKey } from './zOrderKey';

export interface ZOrderSorterOptions {
  key: ZOrderKey;
  /** Sample rows of the Z-order columns: they place the bucket boundaries. */
  sample: readonly (readonly TypedValue[])[];
  /** Estimated Arrow bytes of all rows to sort (decides the bucket count). */
  estimatedBytes: number;
  memoryBudget: number;
  meter: MemoryMeter;
  spillDirectory?: string;
}

/** One bucket is sorted in memory together with its sorted copy: a sixth of the budget each keeps room for the output file and pending spills. */
const BUCKET_SHARE = 6;
/** Rows waiting to be spilled are flushed past this share of the budget. */
const PENDING_SHARE = 8;
/** Estimates err: size buckets for this much more data than expected. */
const SAFETY = 1.5;
const Z_FIELD = '__lakehouse_z';

/**
 * Sorts rows by Z-value in bounded memory: an external DISTRIBUTION sort. The Z-values of the sample
 * rows give quantile boundaries that split the Z range into buckets of about equal row counts, each
 * small enough to sort in memory; rows are routed to their bucket and appended to the bucket's spill
 * file (Arrow IPC streams in a temp dir) as they are read; then the buckets are loaded one at a time,
 * in Z order, and sorted. Every row is written and read once, with no merge heap, and the buckets'
 * concatenation is globally sorted. When everything fits one bucket nothing is spilled.
 */
export class ZOrderSorter {
  private readonly splits: number[];
  private readonly pending: RecordBatch[][];
  private readonly spillPaths: (string | undefined)[];
  private pendingBytes = 0;
  private directory: string | undefined;
  private spilledFiles = 0;
  private spilledBytes = 0;

  constructor(private readonly options: ZOrderSorterOptions) {
    const bucketBytes = Math.max(1, options.memoryBudget / BUCKET_SHARE);
    const buckets = Math.max(1, Math.ceil((options.estimatedBytes * SAFETY) / bucketBytes));
    const zs = options.sample.map((row) => options.key.zOf(row)).sort((a, b) => a - b);
    const splits: number[] = [];
    for (let i = 1; i < buckets && zs.length > 0; i++) {
      const cut = zs[Math.floor((i * zs.length) / buckets)] as number;
      if (splits.length === 0 || cut > (splits[splits.length - 1] as number)) splits.push(cut);
    }
    this.splits = splits;
    this.pending = Array.from({ length: splits.length + 1 }, () => []);
    this.spillPaths = Array.from({ length: splits.length + 1 }, () => undefined);
  }

  get buckets(): number {
    return this.pending.length;
  }

  get spillFiles(): number {
    return this.spilledFiles;
  }

  get spillBytes(): number {
    return this.spilledBytes;
  }

  /** Routes a batch's rows to their buckets (the batch gains a Z-value column while sorting). */
  async add(batch: RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    const z = this.options.key.zValues(batch);
    const withZ = appendZ(batch, z);
    if (this.pending.length === 1) {
      this.keep(0, withZ);
    } else {
      const buckets = new Uint32Array(batch.numRows);
      for (let row = 0; row < batch.numRows; row++) buckets[row] = this.bucketOf(z[row] as number);
      groupRows(buckets, this.pending.length, (bucket, rows) => this.keep(bucket, takeBatch(withZ, rows)));
    }
    if (this.pending.length > 1 && this.pendingBytes > this.options.memoryBudget / PENDING_SHARE) await this.spillAll();
  }

  /**
   * The rows in Z order, in batches that never cross a position in `cuts` (the planned ends of the
   * output files), so each output file gets exactly its run of the curve. The curve is cut into
   * chunks of up to `chunkRows` rows (and at every cut); inside a chunk rows are grouped by the
   * spilled batch they came from, in that batch's order: only which FILE a row lands in matters
   * for file skipping, and that is decided by the Z order. So a bucket is not sorted: the Z-values
   * at the chunk ends are selected (quickselect), each row's chunk is looked up among them, and
   * the chunks are gathered with ascending row indices.
   */
  async *sorted(cuts: readonly number[], chunkRows = 262_144): AsyncGenerator<RecordBatch> {
    if (this.pending.length > 1) await this.spillAll();
    let position = 0;
    let nextCut = 0;
    try {
      for (let bucket = 0; bucket < this.pending.length; bucket++) {
        const spilled = this.spillPaths[bucket] !== undefined;
        const batches = await this.load(bucket);
        // Rows never spilled are already counted while pending.
        const held = spilled ? batches.reduce((n, b) => n + b.data.byteLength, 0) : 0;
        this.options.meter.hold(held);
        const total = batches.reduce((n, b) => n + b.numRows, 0);
        // Where this bucket's chunks end, in ranks within the bucket.
        const ends: number[] = [];
        for (let start = 0; start < total;) {
          while (nextCut < cuts.length && (cuts[nextCut] as number) <= position) nextCut++;
          const limit = nextCut < cuts.length ? (cuts[nextCut] as number) - position : Infinity;
          const end = Math.min(total, start + chunkRows, start + limit);
          ends.push(end);
          position += end - start;
          start = end;
        }
        const groups = chunkGroups(batches, ends, this.options.key.zBits);
        this.options.meter.hold(groups.byteLength);
        for (let chunk = 0; chunk < ends.length; chunk++) yield* gather(batches, groups, chunk);
        this.options.meter.release(held + groups.byteLength);
        if (!spilled) this.release(bucket);
      }
    } finally {
      await this.dispose();
    }
  }

  /** Removes the spill files. */
  async dispose(): Promise<void> {
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
    this.directory = undefined;
    for (let b = 0; b < this.pending.length; b++) this.release(b);
  }

  private bucketOf(z: number): number {
    let low = 0;
    let high = this.splits.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.splits[mid] as number) <= z) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private keep(bucket: number, batch: RecordBatch): void {
    (this.pending[bucket] as RecordBatch[]).push(batch);
    const bytes = batch.data.byteLength;
    this.pendingBytes += bytes;
    this.options.meter.hold(bytes);
  }

  private release(bucket: number): void {
    const batches = this.pending[bucket] as RecordBatch[];
    const bytes = batches.reduce((n, b) => n + b.data.byteLength, 0);
    this.pending[bucket] = [];
    this.pendingBytes -= bytes;
    this.options.meter.release(bytes);
  }

  private async spillAll(): Promise<void> {
    if (!this.directory) {
      const parent = this.options.spillDirectory ?? tmpdir();
      await mkdir(parent, { recursive: true });
      this.directory = await mkdtemp(join(parent, 'lakehouse-zorder-'));
    }
    for (let bucket = 0; bucket < this.pending.length; bucket++) {
      const batches = this.pending[bucket] as RecordBatch[];
      if (batches.length === 0) continue;
      let path = this.spillPaths[bucket];
      if (!path) {
        path = join(this.directory, `bucket-${String(bucket).padStart(5, '0')}.arrows`);
        this.spillPaths[bucket] = path;
        this.spilledFiles++;
      }
      const bytes = tableToIPC(new Table(batches), 'stream');
      await appendFile(path, bytes);
      this.spilledBytes += bytes.length;
      this.release(bucket);
    }
  }

  private async load(bucket: number): Promise<RecordBatch[]> {
    const path = this.spillPaths[bucket];
    if (!path) return [...(this.pending[bucket] as RecordBatch[])];
    const bytes = await readFile(path);
    const batches: RecordBatch[] = [];
    for (const reader of RecordBatchReader.readAll(bytes)) for (const batch of reader) batches.push(batch);
    return batches;
  }
}

function appendZ(batch: RecordBatch, z: Float64Array): RecordBatch {
  const fields = [...batch.schema.fields, new Field(Z_FIELD, new Float64(), false)];
  const zData = makeData({ type: new Float64(), length: z.length, nullCount: 0, data: z });
  const children = [...batch.data.children, zData];
  return new RecordBatch(new Schema(fields), new Data(new Struct(fields), 0, batch.numRows, 0, undefined, children));
}

function takeBatch(batch: RecordBatch, indices: Int32Array): RecordBatch {
  const children = batch.data.children.map((child) => takeData(child, indices));
  return new RecordBatch(batch.schema, new Data(new Struct(batch.schema.fields), 0, indices.length, 0, undefined, children));
}

/**
 * The rows of a bucket grouped by chunk, then by source batch: `positions` lists the rows (as
 * positions over all batches in order) of group chunk * batches + batch, ascending, from
 * `starts[group]` to `starts[group + 1]`. `ends` are the chunks' ends in Z-order ranks.
 */
interface ChunkGroups {
  positions: Int32Array;
  starts: Int32Array;
  /** Position of each batch's first row. */
  firsts: Int32Array;
  byteLength: number;
}

function chunkGroups(batches: readonly RecordBatch[], ends: readonly number[], zBits: number): ChunkGroups {
  const zs = batches.map((b) => zColumnOf(b));
  const total = zs.reduce((n, z) => n + z.length, 0);
  const chunks = chunkOfRows(zs, total, ends, zBits);
  const firsts = new Int32Array(batches.length);
  const groups = new Uint32Array(total);
  let i = 0;
  zs.forEach((z, b) => {
    firsts[b] = i;
    for (let row = 0; row < z.length; row++, i++) groups[i] = (chunks[i] as number) * batches.length + b;
  });
  const { positions, starts } = groupPositions(groups, ends.length * batches.length);
  return { positions, starts, firsts, byteLength: positions.byteLength + starts.byteLength + chunks.byteLength + groups.byteLength };
}

/**
 * The chunk of every row: chunk c holds the rows of Z-order ranks [ends[c - 1], ends[c]), ties
 * of equal Z-values broken by position. When Z-value and position fit together in a double's 53
 * exact bits (two columns: 20 + up to 33 bits), each row becomes the unique number
 * z * 2^p + position; the numbers at the chunk ends are selected (no full sort) and each row's
 * chunk found among them. Wider keys take a comparator sort.
 */
function chunkOfRows(zs: readonly Float64Array[], total: number, ends: readonly number[], zBits: number): Uint32Array {
  const chunks = new Uint32Array(total);
  if (ends.length <= 1) return chunks;
  const positionBits = Math.max(1, Math.ceil(Math.log2(total + 1)));
  if (zBits + positionBits <= 53) {
    const scale = 2 ** positionBits;
    const packed = new Float64Array(total);
    let i = 0;
    for (const z of zs) for (let row = 0; row < z.length; row++, i++) packed[i] = (z[row] as number) * scale + i;
    const firstOfChunk = ends.slice(0, -1);
    const selected = packed.slice();
    selectRanks(selected, 0, total, firstOfChunk, 0, firstOfChunk.length);
    const bounds = Float64Array.from(firstOfChunk, (rank) => selected[rank] as number);
    for (let k = 0; k < total; k++) {
      const key = packed[k] as number;
      let low = 0;
      let high = bounds.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if ((bounds[mid] as number) <= key) low = mid + 1;
        else high = mid;
      }
      chunks[k] = low;
    }
    return chunks;
  }
  const keys = new Float64Array(total);
  let i = 0;
  for (const z of zs) for (let row = 0; row < z.length; row++, i++) keys[i] = z[row] as number;
  const index = new Uint32Array(total);
  for (let k = 0; k < total; k++) index[k] = k;
  index.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
  let chunk = 0;
  for (let k = 0; k < total; k++) {
    while (k >= (ends[chunk] as number)) chunk++;
    chunks[index[k] as number] = chunk;
  }
  return chunks;
}

/** Below this many values a range is sorted outright. */
const SELECT_SORT_BELOW = 32;

/**
 * Rearranges the distinct values of `a[lo, hi)` so that for every rank in `ranks[rlo, rhi)`
 * (ascending, within [lo, hi)) a[rank] holds the value of that rank in sorted order: quickselect
 * for several ranks at once (Hoare's FIND), expected O(n log ranks), where sorting is O(n log n).
 */
function selectRanks(a: Float64Array, lo: number, hi: number, ranks: readonly number[], rlo: number, rhi: number): void {
  while (rlo < rhi) {
    if (hi - lo <= SELECT_SORT_BELOW) {
      a.subarray(lo, hi).sort();
      return;
    }
    // Median of three: the input order is arbitrary, never sorted on purpose.
    const mid = (lo + hi) >> 1;
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi - 1] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    // Lomuto partition: values below the pivot first, then the pivot at `at`.
    let at = lo;
    for (let k = lo; k < hi; k++) {
      const v = a[k] as number;
      if (v < pivot) {
        a[k] = a[at] as number;
        a[at] = v;
        at++;
      }
    }
    for (let k = at; k < hi; k++) {
      if (a[k] === pivot) {
        a[k] = a[at] as number;
        a[at] = pivot;
        break;
      }
    }
    let split = rlo;
    while (split < rhi && (ranks[split] as number) < at) split++;
    let after = split;
    while (after < rhi && (ranks[after] as number) === at) after++;
    selectRanks(a, lo, at, ranks, rlo, split);
    lo = at + 1;
    rlo = after;
  }
}

function zColumnOf(batch: RecordBatch): Float64Array {
  const data = batch.data.children[batch.data.children.length - 1] as Data;
  // apache-arrow's slices narrow the values already.
  return (data.values as Float64Array).subarray(0, batch.numRows);
}

const schemasWithoutZ = new WeakMap<Schema, Schema>();

/** A schema without its Z-value column, one object per source schema: batches that share it join without comparing schemas. */
function withoutZ(schema: Schema): Schema {
  let out = schemasWithoutZ.get(schema);
  if (!out) {
    out = new Schema(schema.fields.slice(0, -1));
    schemasWithoutZ.set(schema, out);
  }
  return out;
}

/** The rows of one chunk as one batch per source batch with rows in it, without the Z-value column. */
function* gather(batches: readonly RecordBatch[], groups: ChunkGroups, chunk: number): Generator<RecordBatch> {
  for (let b = 0; b < batches.length; b++) {
    const group = chunk * batches.length + b;
    const from = groups.starts[group] as number;
    const to = groups.starts[group + 1] as number;
    if (to === from) continue;
    const first = groups.firsts[b] as number;
    const indices = new Int32Array(to - from);
    for (let k = from; k < to; k++) indices[k - from] = (groups.positions[k] as number) - first;
    const source = batches[b] as RecordBatch;
    const schema = withoutZ(source.schema);
    const children = source.data.children.slice(0, -1).map((child) => takeData(child, indices));
    yield new RecordBatch(schema, new Data(new Struct(schema.fields), 0, indices.length, 0, undefined, children));
  }
}

/** The positions of `groups`' entries grouped by value, ascending within a group: a counting sort. */
function groupPositions(groups: Uint32Array, count: number): { positions: Int32Array; starts: Int32Array } {
  const starts = new Int32Array(count + 1);
  for (let i = 0; i < groups.length; i++) starts[(groups[i] as number) + 1] = (starts[(groups[i] as number) + 1] as number) + 1;
  for (let g = 0; g < count; g++) starts[g + 1] = (starts[g + 1] as number) + (starts[g] as number);
  const next = starts.slice(0, count);
  const positions = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as number;
    positions[next[g] as number] = i;
    next[g] = (next[g] as number) + 1;
  }
  return { positions, starts };
}

/**
 * Calls `each(group, positions)` for every group with members, in group order, with the positions
 * (ascending) of the entries of `groups` equal to it: a counting sort into one typed array, where
 * an array of JS arrays per group was a good part of the sorter's garbage.
 */
function groupRows(groups: Uint32Array, count: number, each: (group: number, positions: Int32Array) => void): void {
  const { positions, starts } = groupPositions(groups, count);
  for (let g = 0; g < count; g++) {
    const from = starts[g] as number;
    const to = starts[g + 1] as number;
    if (to > from) each(g, positions.subarray(from, to));
  }
}
